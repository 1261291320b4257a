import { LiveCoachSession, type LiveDeps } from './session.js'

export { LiveCoachSession, spokenQuestion, PART2_MAX_TALK_SECONDS, PART2_PREPARE_SECONDS, type LiveConnection, type LiveDeps } from './session.js'

/**
 * The live sessions this process holds, by session id. Their events live in memory: a client that
 * reconnects to the same process replays what it missed; after a restart (or on another instance)
 * resume continues from the pending question and says the earlier events are gone. A finished
 * session is kept `retainMs` so a client that dropped before analysis_ready can still resume.
 */
export function createLiveSessions(deps: LiveDeps, retainMs = 10 * 60_000) {
  const live = new Map<string, LiveCoachSession>()
  const sweep = setInterval(() => {
    const cutoff = Date.now() - retainMs
    for (const [id, s] of live) if (s.finishedAt !== undefined && s.finishedAt < cutoff) live.delete(id)
  }, 60_000).unref()
  return {
    /** The caller must have checked that the user owns the session. */
    get(userId: string, sessionId: string): LiveCoachSession {
      let session = live.get(sessionId)
      if (!session) live.set(sessionId, (session = new LiveCoachSession(userId, sessionId, deps)))
      return session
    },
    get size() {
      return live.size
    },
    close() {
      clearInterval(sweep)
      for (const s of live.values()) s.dispose()
      live.clear()
    }
  }
}

export type LiveSessions = ReturnType<typeof createLiveSessions>
