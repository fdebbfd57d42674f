import { ServiceName } from "../../config/catalog";
import { redisFiles } from "./redis";
import { FileBuilder } from "./types";

export * from "./types";

/** The generated files of each service that has any; every other service only gets its folders and secrets. */
export const FILE_BUILDERS: Partial<Record<ServiceName, FileBuilder>> = {
    redis: redisFiles,
};
