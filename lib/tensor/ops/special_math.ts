/**
 * Scalar special functions in float64 for torch.special (ops/special.ts) and the distributions:
 * the gamma family (special_gamma.ts), the error-function family (special_erf.ts) and the Bessel
 * functions (special_bessel.ts). Each is written from its series, recurrence, continued fraction
 * or asymptotic expansion with branch points chosen for double precision; edge values (poles,
 * infinities, NaN) follow PyTorch 1.13.
 */
export * from "./special_gamma";
export * from "./special_erf";
export * from "./special_bessel";
