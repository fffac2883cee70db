/** Data ingest and validation (issue #3). */
export const dataErrors = {
  FC_ERR_DATA_EMPTY_FILE: { message: 'CSV file is empty', exitCode: 65 },
  FC_ERR_DATA_NO_ROWS: { message: 'CSV file has a header but no data rows', exitCode: 65 },
  FC_ERR_DATA_BINARY: { message: 'File is not UTF-8 CSV text (binary bytes found)', exitCode: 65 },
  FC_ERR_DATA_RAGGED_ROWS: { message: 'CSV row has a different number of fields than the header', exitCode: 65 },
  FC_ERR_DATA_CSV_MALFORMED: { message: 'CSV text cannot be parsed (quoting or delimiter error)', exitCode: 65 },
  FC_ERR_DATA_DUPLICATE_HEADER: { message: 'CSV header names a column more than once', exitCode: 65 },
  FC_ERR_DATA_DATE_FORMAT: { message: 'No supported date format fits the date column', exitCode: 65 },
  FC_ERR_DATA_READ_FAILED: { message: 'CSV file cannot be read', exitCode: 74 },
  FC_ERR_DATA_MAPPING_INVALID: { message: 'Invalid column mapping (expected canonical=source pairs)', exitCode: 64 },
  FC_ERR_DATA_THRESHOLD_INVALID: { message: 'Invalid validation threshold (expected name=value with a known name)', exitCode: 64 },
  FC_ERR_DATA_VALIDATION_FAILED: { message: 'Sales data failed a critical validation expectation', exitCode: 1 },
  FC_ERR_DATA_GENERATOR_OPTIONS: { message: 'Invalid data generator options', exitCode: 64 },
  FC_ERR_DATE_INVALID: { message: 'Sales date is not a real calendar day (YYYY-MM-DD)', exitCode: 65 },
  FC_ERR_DATE_OUT_OF_RANGE: { message: 'Sales date lies outside the accepted range', exitCode: 65 },
  FC_ERR_DATA_WRITE_FAILED: { message: 'Generated data cannot be written', exitCode: 73 },
  FC_ERR_DATA_LOOKS_LIKE_TRANSACTIONS: { message: 'Most rows repeat a (store, item, date) key: the file holds transactions, read it with --granularity transactions', exitCode: 65 },
} as const;
