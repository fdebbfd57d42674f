/** What the stack's `wiring` output asks of a person: the links Monsterr cannot make without them. */
export function wiringTodo(s: { domain: string; plexClaimed: boolean; seerrPending: boolean; tautulli: boolean }): string[] {
    const todo: string[] = [];
    if (!s.plexClaimed) {
        todo.push(
            `Plex is not claimed yet: sign in at https://plex.${s.domain} with your Plex account (or set monsterr:plexClaim from https://plex.tv/claim before a first up), then run pulumi up` +
                (s.tautulli ? " to connect Tautulli to it." : "."),
        );
    }
    if (s.seerrPending) {
        todo.push(`Seerr has no admin yet: sign in once at https://requests.${s.domain} with your Plex account, then run pulumi up to connect it to Sonarr and Radarr.`);
    }
    return todo;
}
