// The REPORT line of an invoke's log tail (X-Amz-Log-Result, base64-decoded), and whether it
// carries Init Duration: Lambda writes it only when the invoke itself paid for the init
// (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-logging.html).

/** The last line of the tail that starts with `REPORT RequestId:`, tabs kept; undefined when none. */
export function reportLineOf(tail: string | undefined): string | undefined {
  const lines = (tail ?? '').split('\n').filter((line) => line.startsWith('REPORT RequestId:'));
  return lines[lines.length - 1];
}

export function hasInitDuration(report: string | undefined): boolean {
  return /\tInit Duration: [0-9.]+ ms/.test(report ?? '');
}
