// An empty CommonJS module. A pre-started runtime imports it, and warm-up.mts, before it asks
// for its function (specialise.ts), so that Node's module loading for both kinds of handler,
// through import(), is initialised and compiled before the function's own module is imported.
export const warmedUp = true;
