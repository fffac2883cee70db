import { dailyColumns, type DailyTable } from './daily-table.js';

/** Calls `visit(start, end)` for each (store, item) series: rows [start, end) of the sorted table. */
export function forEachSeries(daily: DailyTable, visit: (start: number, end: number) => void): void {
  let start = 0;
  for (let row = 1; row <= daily.length; row += 1) {
    if (row === daily.length || daily.store[row] !== daily.store[start] || daily.item[row] !== daily.item[start]) {
      visit(start, row);
      start = row;
    }
  }
}

/**
 * Transaction data records sales, not days (issue #10): a day without rows inside a series'
 * active range — its first to its last day with valid units — is a day that sold nothing,
 * so it becomes a row with units 0. Price, promo and weather are carried forward from the
 * series' previous row: they exist only where a transaction was recorded, so leaving them
 * absent would tell a model which days sold nothing (a missing price would predict the zero
 * perfectly in training and never occur at the till). Stockout stays absent. Days outside the range stay
 * absent (a series that starts late did not exist; after its last sale it may be delisted),
 * and keys without valid units (future days to forecast) are kept as they are.
 */
export function fillZeroSalesDays(daily: DailyTable): DailyTable {
  const fill: number[] = [];
  forEachSeries(daily, (start, end) => {
    let first = Infinity;
    let last = -Infinity;
    for (let row = start; row < end; row += 1) {
      if (!Number.isFinite(daily.units[row])) continue;
      first = Math.min(first, daily.day[row]);
      last = Math.max(last, daily.day[row]);
    }
    for (let row = start + 1; row < end; row += 1) {
      for (let day = Math.max(daily.day[row - 1], first) + 1; day < Math.min(daily.day[row], last); day += 1) fill.push(row, day);
    }
  });
  if (fill.length === 0) return daily;
  const length = daily.length + fill.length / 2;
  const out: DailyTable = {
    ...daily,
    ...dailyColumns(length),
    zeroFilledDays: fill.length / 2,
  };
  let target = 0;
  const copy = (row: number): void => {
    out.store[target] = daily.store[row];
    out.item[target] = daily.item[row];
    out.day[target] = daily.day[row];
    out.units[target] = daily.units[row];
    out.price[target] = daily.price[row];
    out.tempC[target] = daily.tempC[row];
    out.precipMm[target] = daily.precipMm[row];
    out.promo[target] = daily.promo[row];
    out.stockout[target] = daily.stockout[row];
    target += 1;
  };
  let next = 0;
  for (let row = 0; row < daily.length; row += 1) {
    // Filled days of this row come first: they lie between the previous valid day and this one.
    for (; next < fill.length && fill[next] === row; next += 2) {
      out.store[target] = daily.store[row];
      out.item[target] = daily.item[row];
      out.day[target] = fill[next + 1];
      out.units[target] = 0;
      out.price[target] = out.price[target - 1];
      out.tempC[target] = out.tempC[target - 1];
      out.precipMm[target] = out.precipMm[target - 1];
      out.promo[target] = out.promo[target - 1];
      out.stockout[target] = -1;
      target += 1;
    }
    copy(row);
  }
  return out;
}
