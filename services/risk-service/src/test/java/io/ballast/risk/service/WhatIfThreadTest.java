package io.ballast.risk.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.risk.domain.Position;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Where a what-if is computed ({@link MarginService#onEventLoop}): without the liquidation-price search (the pre-trade
 * check) and answered from the hot book, for an account of at most {@value MarginService#INLINE_POSITIONS} positions,
 * on the event loop that took the request;
 * anything else (the what-if with its liquidation-price search, a database answer, a larger account, a caller that is
 * not an event loop) on the worker pool.
 */
class WhatIfThreadTest {

    private static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void onlyAPreTradeCheckOfASmallAccountFromTheHotBookStaysOnTheEventLoop() throws Exception {
        MarginService.Loaded hot = rows(MarginService.ANSWERED_FROM_HOT_BOOK, 10);
        assertThat(onEventLoop(hot, false)).as("a pre-trade check from the hot book, on an event loop").isTrue();
        assertThat(onEventLoop(rows(MarginService.ANSWERED_FROM_HOT_BOOK, MarginService.INLINE_POSITIONS), false))
                .as("at the position limit").isTrue();

        assertThat(MarginService.onEventLoop(hot, false)).as("called from a thread that is not an event loop")
                .isFalse();
        assertThat(onEventLoop(hot, true)).as("the what-if with liquidation prices").isFalse();
        assertThat(onEventLoop(rows(MarginService.ANSWERED_FROM_DATABASE, 10), false)).as("a database answer")
                .isFalse();
        assertThat(onEventLoop(rows(MarginService.ANSWERED_FROM_HOT_BOOK, MarginService.INLINE_POSITIONS + 1),
                false)).as("past the position limit").isFalse();
    }

    /** The decision as an event loop takes it. */
    private static boolean onEventLoop(MarginService.Loaded rows, boolean withLiquidationPrices) throws Exception {
        CompletableFuture<Boolean> decided = new CompletableFuture<>();
        vertx.runOnContext(v -> decided.complete(MarginService.onEventLoop(rows, withLiquidationPrices)));
        return decided.get(10, TimeUnit.SECONDS);
    }

    private static MarginService.Loaded rows(String from, int positions) {
        List<Position> ps = new ArrayList<>(Collections.nCopies(positions, new Position()));
        return new MarginService.Loaded(null, List.of(), List.of(), ps, from);
    }
}
