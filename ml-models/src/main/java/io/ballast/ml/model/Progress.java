package io.ballast.ml.model;

/** Receives human-readable progress lines from long runs (training, walk-forward). */
@FunctionalInterface
public interface Progress {

    /** Progress that prints nothing. */
    Progress NONE = line -> { };

    /** Progress printed on standard error. */
    Progress STDERR = System.err::println;

    /** Reports one line. */
    void report(String line);
}
