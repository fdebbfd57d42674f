/** The example values the committed stack files carry: a stack still holding one is not ready to deploy. */
export const EXAMPLE_DOMAIN = /(^|\.)example\.(com|org|net)$/;
/** The committed prod stack's pinned host key, which no host has. */
export const DEMO_HOST_KEY = "AAAAC3NzaC1lZDI1NTE5AAAAIGRlbW8tb25seS1yZXBsYWNlLXdpdGgteW91ci1ob3N0";
