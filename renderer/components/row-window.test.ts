import { describe, expect, it } from 'vitest';
import { rowLayout } from './row-window';

/** The arithmetic layout must put every row where summing the heights one by one puts it. */
describe('rowLayout', () => {
  const summed = (sizes: readonly number[]) => {
    const starts: number[] = [];
    let at = 0;
    for (const size of sizes) {
      starts.push(at);
      at += size;
    }
    return { starts, total: at };
  };

  it.each([
    { count: 0, head: [] },
    { count: 5, head: [] },
    { count: 12_000, head: [30, 34, 34, 30, 34, 30] },
    { count: 3, head: [30, 34, 34, 30, 34, 30] },
  ])('places $count rows after a head of $head.length like summing their heights', ({ count, head }) => {
    const sizes = Array.from({ length: count }, (_, index) => head[index] ?? 34);
    const { starts, total } = summed(sizes);
    const layout = rowLayout(count, head, 34);
    expect(layout.totalSize).toBe(total);
    for (let index = 0; index < count; index += 1) {
      expect(layout.offsetOf(index)).toBe(starts[index]);
      expect(layout.sizeOf(index)).toBe(sizes[index]);
      // The first and the last pixel of a row are in that row.
      expect(layout.indexAt(starts[index]!)).toBe(index);
      expect(layout.indexAt(starts[index]! + sizes[index]! - 0.5)).toBe(index);
    }
    if (count > 0) {
      expect(layout.indexAt(-10)).toBe(0);
      expect(layout.indexAt(total + 500)).toBe(count - 1);
    }
  });
});
