import type { ValidationReport } from './report-schema.js';

/** The human form of a validation report: statistics, one table line per expectation, verdict. */
export function renderValidationReport(report: ValidationReport): string {
  const stats = report.statistics;
  const lines = [
    `rows ${stats.sourceRows} → daily rows ${stats.dailyRows} (${stats.granularity}), ${stats.series} series, ${stats.stores} stores, ${stats.items} items`,
    `dates ${stats.dateMin ?? '-'} .. ${stats.dateMax ?? '-'} (format ${stats.dateFormat ?? '-'}${stats.dateFormatAmbiguous ? ', ambiguous: day-first assumed' : ''})`,
    '',
  ];
  const table = [['status', 'expectation', 'column', 'unexpected', '%', 'critical']];
  for (const result of report.results) {
    const status = result.success ? 'ok' : result.critical ? 'FAIL' : 'warn';
    table.push([status, result.expectation, result.column ?? '', String(result.unexpectedCount), result.unexpectedPercent.toFixed(2), result.critical ? 'yes' : 'no']);
  }
  const widths = table[0].map((_, column) => Math.max(...table.map((row) => row[column].length)));
  for (const row of table) lines.push(row.map((cell, column) => (column >= 3 && column <= 4 ? cell.padStart(widths[column]) : cell.padEnd(widths[column]))).join('  ').trimEnd());
  lines.push('', `${report.success ? 'PASSED' : 'FAILED'}: ${stats.successfulExpectations}/${stats.evaluatedExpectations} expectations met (${stats.successPercent}%)`);
  for (const result of report.results.filter((entry) => !entry.success)) {
    if (result.expectation === 'expect_table_columns_to_include' && result.note) lines.push(`  ${result.note}`);
    else if (result.sample.length > 0) lines.push(`  ${result.expectation}${result.column ? ` (${result.column})` : ''}: e.g. ${JSON.stringify(result.sample[0])}`);
  }
  return lines.join('\n');
}
