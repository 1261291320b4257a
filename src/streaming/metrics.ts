import { Counter, Gauge, Histogram, type Registry } from 'prom-client'

/** The streaming core's measurements; labels are protocol and engine names, never ids. */
export function createStreamingMetrics(registry: Registry) {
  const latencyBuckets = [0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2.5, 5, 10]
  return {
    activeSessions: new Gauge({
      name: 'voxlens_stream_sessions_active',
      help: 'Live transcription streams open now',
      labelNames: ['protocol'] as const,
      registers: [registry]
    }),
    audioSeconds: new Counter({
      name: 'voxlens_stream_audio_seconds_total',
      help: 'Seconds of audio received on live transcription streams',
      labelNames: ['protocol', 'engine'] as const,
      registers: [registry]
    }),
    partialLatency: new Histogram({
      name: 'voxlens_stream_partial_latency_seconds',
      help: 'From the audio that changed a partial transcript arriving to the partial being sent',
      labelNames: ['engine'] as const,
      buckets: latencyBuckets,
      registers: [registry]
    }),
    finalLatency: new Histogram({
      name: 'voxlens_stream_final_latency_seconds',
      help: 'From the end of an utterance (endpoint or commit) to its final transcript',
      labelNames: ['engine'] as const,
      buckets: latencyBuckets,
      registers: [registry]
    }),
    closed: new Counter({
      name: 'voxlens_stream_sessions_closed_total',
      help: 'Live transcription streams ended, by reason',
      labelNames: ['protocol', 'reason'] as const,
      registers: [registry]
    })
  }
}

export type StreamingMetrics = ReturnType<typeof createStreamingMetrics>
