import { mtailProgram } from "../edge/accessMetrics";
import { FileBuilder } from "./types";

/** mtail's program folder (mounted read-only at /etc/mtail). */
export const mtailFiles: FileBuilder = () => [{ path: "etc/monsterr.mtail", content: mtailProgram() }];
