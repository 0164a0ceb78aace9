// An empty CommonJS module. A pre-started runtime loads it, and warm-up.mts, the way it will load
// the function's module (handler-loader.ts: require, ES modules included), before it asks for its
// function (specialise.ts), so that Node's module loading is initialised and compiled by then.
export const warmedUp = true;
