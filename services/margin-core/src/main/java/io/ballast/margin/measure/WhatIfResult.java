package io.ballast.margin.measure;

/**
 * Margin before and after a hypothetical change; nothing is changed by computing it.
 *
 * @param before margin now
 * @param after margin with the change applied
 * @param reducesRisk whether the changed pool's maintenance requirement falls (strictly)
 * @param acceptable whether the change may go ahead: the changed pool ends HEALTHY, or the change reduces risk and
 *        the pool does not end LIQUIDATABLE (a risk-reducing trade is allowed below IM, as in Derive's PMRM)
 */
public record WhatIfResult(MarginResult before, MarginResult after, boolean reducesRisk, boolean acceptable) {
}
