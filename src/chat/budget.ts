// An answer raced against the platform's deadline: ready in time, or not (then the work keeps
// running and is answered later by another way: response_url, a follow-up card).

export type Budgeted<T> = { done: true; value: T } | { done: false };

/**
 * Races `work` against `budgetMs`. A budget of 0 always answers "not yet": real work needs at least
 * one I/O round. A failure within the budget is thrown; one
 * after it is left to whoever awaits `work` (never an unhandled rejection here).
 */
export async function withinBudget<T>(work: Promise<T>, budgetMs: number): Promise<Budgeted<T>> {
  const won = work.then((value) => ({ done: true as const, value }));
  won.catch(() => {});
  if (budgetMs <= 0) return Promise.race([won, Promise.resolve({ done: false as const })]);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<{ done: false }>((r) => {
    timer = setTimeout(() => r({ done: false }), budgetMs);
  });
  try {
    return await Promise.race([won, late]);
  } finally {
    clearTimeout(timer);
  }
}
