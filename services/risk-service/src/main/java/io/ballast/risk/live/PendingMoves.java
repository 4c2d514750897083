package io.ballast.risk.live;

import io.ballast.risk.market.OracleService.TenantOutcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The index moves of one tenant waiting for its book: one slot per asset, where a newer move replaces an older one
 * (conflation), and whether an evaluation is running. Thread-safe.
 */
final class PendingMoves {

    /**
     * One index move.
     *
     * @param outcome        the oracle's outcome, carrying the new price row
     * @param tickSourceTime the source time of the newest tick the index is made of
     * @param receivedAt     when the batch carrying that tick was received
     * @param superseded     how many older moves of the same asset this one replaced while waiting
     */
    record Move(TenantOutcome outcome, Instant tickSourceTime, Instant receivedAt, long superseded) {

        Move(TenantOutcome outcome, Instant tickSourceTime, Instant receivedAt) {
            this(outcome, tickSourceTime, receivedAt, 0);
        }
    }

    private final Map<UUID, Move> slots = new LinkedHashMap<>();
    private boolean running;

    /**
     * Puts a move in its asset's slot: it replaces a waiting move of the same asset unless that one's price is newer
     * (moves of one batch arrive in order; a replay may bring an older one).
     *
     * @param move the move
     * @return true when no evaluation is running: the caller must start one (and {@link #take} until null)
     */
    synchronized boolean offer(Move move) {
        UUID asset = move.outcome().assetId();
        Move waiting = slots.get(asset);
        if (waiting == null) {
            slots.put(asset, move);
        } else if (!move.outcome().price().observedAt.isBefore(waiting.outcome().price().observedAt)) {
            slots.put(asset, new Move(move.outcome(), move.tickSourceTime(), move.receivedAt(),
                    waiting.superseded() + 1));
        } else {
            slots.put(asset, new Move(waiting.outcome(), waiting.tickSourceTime(), waiting.receivedAt(),
                    waiting.superseded() + 1));
        }
        if (running) {
            return false;
        }
        running = true;
        return true;
    }

    /**
     * Takes every waiting move, oldest slot first; when none waits, the evaluation ends.
     *
     * @return the moves, or null when none waits (and the running flag is cleared)
     */
    synchronized List<Move> take() {
        if (slots.isEmpty()) {
            running = false;
            return null;
        }
        List<Move> out = new ArrayList<>(slots.values());
        slots.clear();
        return out;
    }
}
