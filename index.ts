import { program } from "./program";

// Pulumi calls an exported function and uses its result as the stack outputs; tests and the offline plan call it too.
export = program;
