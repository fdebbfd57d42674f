/** The example values the committed stack files carry: a stack still holding one is not ready to deploy. */
export const EXAMPLE_DOMAIN = /(^|\.)example\.(com|org|net)$/;
/** The committed prod stack's pinned host key, which no host has. */
export const DEMO_HOST_KEY = "AAAAC3NzaC1lZDI1NTE5AAAAIGRlbW8tb25seS1yZXBsYWNlLXdpdGgteW91ci1ob3N0";
/** The committed split stack's key for its other host, which no host has either. */
export const DEMO_FEEDER_HOST_KEY = "AAAAC3NzaC1lZDI1NTE5AAAAIGRlbW8tb25seS1mZWVkZXItcmVwbGFjZS13aXRoLWl0";

/** A host key line holding one of the committed example keys. */
export function isDemoHostKey(hostKey: string): boolean {
    return [DEMO_HOST_KEY, DEMO_FEEDER_HOST_KEY].some((k) => hostKey.includes(k));
}
