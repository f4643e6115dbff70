// Nine quadrants: the levels come from the score (score.ts levelOf); the day-over-day moves are the
// product's one definition in src/domain/quadrant.ts, re-exported here for the health engine.
export { type QuadrantMove, quadrantMoves } from "../quadrant.js";
