// A cluster node's thread starts here: a worker's module loader does not inherit the main
// thread's, so it registers tsx (which runs the project's TypeScript on the Node side) before
// loading the node itself.
import { register } from 'tsx/esm/api';

register();
await import('./node-thread.ts');
