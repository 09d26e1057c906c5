// The few Mocha globals the widget's browser tests use (@types/mocha is not
// installed; Web Test Runner provides Mocha at run time).
type MochaDone = (error?: unknown) => void;
type MochaFn = (this: { timeout(ms: number): void }, done: MochaDone) => void | Promise<unknown>;
declare function describe(title: string, body: () => void): void;
declare function it(title: string, body: MochaFn | (() => void | Promise<unknown>)): void;
declare function before(body: MochaFn | (() => void | Promise<unknown>)): void;
declare function after(body: MochaFn | (() => void | Promise<unknown>)): void;
declare function beforeEach(body: MochaFn | (() => void | Promise<unknown>)): void;
declare function afterEach(body: MochaFn | (() => void | Promise<unknown>)): void;
