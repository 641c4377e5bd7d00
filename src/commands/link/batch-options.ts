import { type Command, Option } from 'commander';
import type { LinkFlags } from '../shared/link-flags.js';
import type { QrStyleFlags } from '../shared/qr-options.js';

export interface BatchFlags {
  batch?: string;
  inputFormat?: 'csv' | 'jsonl';
  output?: string;
  outputFormat?: 'csv' | 'jsonl' | 'json';
  qrDir?: string;
  qrFormat?: 'png' | 'svg';
  nameColumn?: string;
  phoneColumn?: string;
  delimiter?: string;
  jobs?: string;
  encoding?: 'utf-8' | 'windows-1252' | 'latin1';
  rawCsv?: boolean;
  /** Hidden: input bytes per chunk of rows (tests make it tiny to cross chunk boundaries). */
  chunkBytes?: string;
}

/** What `link --batch` is given: the flags of one link, the batch flags, and those it refuses with --batch. */
export interface LinkBatchOptions extends LinkFlags, QrStyleFlags, BatchFlags {
  phone?: string;
  qr?: string;
  json?: boolean;
}

export function addBatchOptions(cmd: Command): Command {
  return cmd
    .option(
      '--batch <file>',
      'build one link per row of a CSV or JSONL file ("-" reads stdin); column phone is required',
    )
    .addOption(
      new Option(
        '--input-format <format>',
        'batch input format (default: from the file name, else csv)',
      ).choices(['csv', 'jsonl']),
    )
    .addOption(
      new Option(
        '--encoding <name>',
        'batch input encoding: utf-8 (default; a row with invalid UTF-8 is refused), or convert from windows-1252 or latin1',
      ).choices(['utf-8', 'windows-1252', 'latin1']),
    )
    .option('-o, --output <file>', 'batch output file ("-" for stdout, the default)')
    .addOption(
      new Option(
        '--output-format <format>',
        'batch output format (default: from the output name, else csv)',
      ).choices(['csv', 'jsonl', 'json']),
    )
    .option(
      '--raw-csv',
      "batch: write CSV cells as they are (by default a cell starting with = + - @ tab or CR gets a leading ' so spreadsheets do not run it)",
    )
    .option('--qr-dir <dir>', 'batch: write one QR code per row into this directory')
    .addOption(
      new Option('--qr-format <format>', 'batch: QR file format').choices(['png', 'svg']).default('png'),
    )
    .option(
      '--phone-column <column>',
      'batch: the column holding the number (default: phone, else Phone Number, Mobile, WhatsApp, Tel...)',
    )
    .option(
      '--delimiter <char>',
      'batch: CSV field delimiter: "," ";" "|" or "tab" (default: found in the header)',
    )
    .option('--name-column <column>', 'batch: name QR files from this column (default: the number)')
    .option(
      '-j, --jobs <n>',
      'batch: worker threads for rows and QR codes (default: the number of cores; 1 works in-process)',
    )
    .addOption(new Option('--chunk-bytes <n>', 'batch: input bytes per chunk of rows').hideHelp());
}
