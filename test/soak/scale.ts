// How big the soak suite runs: SOAK_SCALE=short for CI (minutes on 2 CPUs), full by default.
export const SOAK_SHORT = process.env.SOAK_SCALE === "short";

/** `full` normally, `short` under SOAK_SCALE=short. */
export function scaled(full: number, short: number): number {
  return SOAK_SHORT ? short : full;
}
