/**
 * Picks one item with probability proportional to its weight, as Zaqar's select.weighted: items of
 * weight 0 are never picked; null when none has weight. `random` returns [0, 1).
 */
export function weightedChoice<T extends { weight: number }>(items: T[], random = Math.random): T | null {
  const total = items.reduce((sum, item) => sum + Math.max(0, item.weight), 0);
  if (total <= 0) return null;
  let point = Math.floor(random() * total);
  for (const item of items) {
    if (item.weight <= 0) continue;
    if (point < item.weight) return item;
    point -= item.weight;
  }
  return null; // unreachable: point < total
}
