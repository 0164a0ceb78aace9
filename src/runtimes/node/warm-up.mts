// An ES module that does what nearly every cold start does first; see warm-up.cts. Reading the
// time zone here loads it (TZ is a start-up variable: the function's is the same).
export const offsetMinutes = new Date().getTimezoneOffset();
