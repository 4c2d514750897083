package io.ballast.margin.measure;

import java.util.OptionalDouble;

/**
 * Index prices of the dominant underlying at which a pool's equity would fall to its maintenance requirement, other
 * prices and volatilities unchanged. Empty sides mean no such price between 1 % and 10 times today's price.
 *
 * @param underlying the dominant underlying (more than half of the pool's gross notional, |qty| * index)
 * @param belowUsd the highest such price below today's index, if any
 * @param aboveUsd the lowest such price above today's index, if any
 */
public record LiquidationPrice(String underlying, OptionalDouble belowUsd, OptionalDouble aboveUsd) {
}
