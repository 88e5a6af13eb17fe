import { Finding } from './step';

const DAY_MS = 86_400_000;
const day = (date: Date) => date.toISOString().slice(0, 10);

/** A credential's expiry: a warning (not a failure) under `warnDays`, with the fix. */
export function expiryFinding(what: string, subject: string, until: Date, now: Date, warnDays: number, fix: string): Finding {
  const left = Math.floor((until.getTime() - now.getTime()) / DAY_MS);
  const seen = `${subject} expires ${day(until)} (${left} days)`;
  return left < warnDays ? { what, seen, problem: `${what} ${subject} expires in ${left} days (warned under ${warnDays}): ${fix}`, severity: 'warn' } : { what, seen };
}
