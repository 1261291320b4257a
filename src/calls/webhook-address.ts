import { lookup } from 'node:dns'
import { lookup as lookupAll } from 'node:dns/promises'
import { BlockList, isIP, type LookupFunction } from 'node:net'
import { badRequest } from '../errors.js'

/**
 * Webhook receivers are chosen by whoever uploads, anonymous callers included, so by default they may
 * only be public https addresses: otherwise the server becomes a way to reach its own network
 * (databases, cloud metadata at 169.254.169.254, admin ports on loopback).
 */
export interface WebhookPolicy {
  allowHttp: boolean
  allowPrivate: boolean
}

export const webhookPolicy = (config: { WEBHOOK_ALLOW_HTTP: boolean; WEBHOOK_ALLOW_PRIVATE: boolean }): WebhookPolicy => ({
  allowHttp: config.WEBHOOK_ALLOW_HTTP,
  allowPrivate: config.WEBHOOK_ALLOW_PRIVATE
})

type Kind = 'loopback' | 'private' | 'link-local' | 'unspecified' | 'multicast' | 'reserved'

const ranges: [Kind, string, number, 'ipv4' | 'ipv6'][] = [
  ['unspecified', '0.0.0.0', 8, 'ipv4'],
  ['private', '10.0.0.0', 8, 'ipv4'],
  ['private', '100.64.0.0', 10, 'ipv4'],
  ['loopback', '127.0.0.0', 8, 'ipv4'],
  ['link-local', '169.254.0.0', 16, 'ipv4'],
  ['private', '172.16.0.0', 12, 'ipv4'],
  ['reserved', '192.0.0.0', 24, 'ipv4'],
  ['private', '192.168.0.0', 16, 'ipv4'],
  ['reserved', '198.18.0.0', 15, 'ipv4'],
  ['multicast', '224.0.0.0', 4, 'ipv4'],
  ['reserved', '240.0.0.0', 4, 'ipv4'],
  ['private', 'fc00::', 7, 'ipv6'],
  ['link-local', 'fe80::', 10, 'ipv6'],
  ['multicast', 'ff00::', 8, 'ipv6']
]
const lists = new Map<Kind, BlockList>()
for (const [kind, network, prefix, family] of ranges) {
  const list = lists.get(kind) ?? new BlockList()
  list.addSubnet(network, prefix, family)
  lists.set(kind, list)
}

/** The eight 16-bit groups of an IPv6 address (dotted IPv4 tails included). */
function groups(ip: string): number[] {
  // The URL parser normalises every IPv6 spelling to compressed hex.
  const hex = new URL(`http://[${ip}]/`).hostname.slice(1, -1)
  const [head, tail] = hex.split('::') as [string, string?]
  const part = (s: string | undefined) => (s ? s.split(':').map((g) => parseInt(g, 16)) : [])
  const h = part(head)
  const t = part(tail)
  return tail === undefined ? h : [...h, ...Array<number>(8 - h.length - t.length).fill(0), ...t]
}

const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`

/** Why an address may not receive webhooks (loopback, private, ...), or null for a public address. */
export function refusedAddress(ip: string): Kind | null {
  const family = isIP(ip)
  if (family === 4) {
    for (const [kind, list] of lists) if (list.check(ip, 'ipv4')) return kind
    return null
  }
  if (family !== 6) return 'reserved'
  const g = groups(ip)
  const zeros = (n: number) => g.slice(0, n).every((x) => x === 0)
  if (zeros(8)) return 'unspecified'
  if (zeros(7) && g[7] === 1) return 'loopback'
  // Addresses that carry an IPv4 address inside (mapped, compatible, NAT64, 6to4) are judged by it.
  if (zeros(5) && (g[5] === 0xffff || g[5] === 0)) return refusedAddress(v4(g[6]!, g[7]!))
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return refusedAddress(v4(g[6]!, g[7]!))
  if (g[0] === 0x2002) return refusedAddress(v4(g[1]!, g[2]!))
  for (const [kind, list] of lists) if (list.check(ip, 'ipv6')) return kind
  return null
}

export const describeRefusal = (ip: string, kind: Kind) =>
  `${ip} is ${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind} address; webhooks go only to public addresses unless WEBHOOK_ALLOW_PRIVATE=true`

/** A refused receiver address, found while connecting; never retried. */
export class RefusedAddressError extends Error {
  override name = 'RefusedAddressError'
  readonly code = 'EWEBHOOKREFUSED'
}

/**
 * A `lookup` for http.request that resolves the host once, refuses private answers and hands the
 * connection the address it checked, so DNS cannot change between the check and the connect.
 */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '', 4)
    const list = addresses as unknown as { address: string; family: number }[]
    const allowed = list.filter((a) => refusedAddress(a.address) === null)
    if (!allowed.length) {
      const first = list[0]!
      return callback(new RefusedAddressError(describeRefusal(first.address, refusedAddress(first.address)!)), '', 4)
    }
    if (options.all) return (callback as unknown as (e: null, a: typeof allowed) => void)(null, allowed)
    callback(null, allowed[0]!.address, allowed[0]!.family)
  })
}

/** Checks a receiver before it is stored: a 400 naming the rule and the variable that relaxes it. */
export async function assertWebhookUrl(raw: string, policy: WebhookPolicy): Promise<void> {
  const refuse = (message: string) => badRequest(`webhook_url refused: ${message}.`, 'webhook_url_refused')
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw refuse('not a valid URL')
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowHttp)) {
    throw refuse('use an https:// receiver (set WEBHOOK_ALLOW_HTTP=true to allow plain http)')
  }
  if (policy.allowPrivate) return
  const host = url.hostname.replace(/^\[|\]$/g, '')
  if (isIP(host)) {
    const kind = refusedAddress(host)
    if (kind) throw refuse(describeRefusal(host, kind))
    return
  }
  let addresses: { address: string }[]
  try {
    addresses = await lookupAll(host, { all: true })
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOTFOUND') throw refuse(`the host ${host} does not resolve`)
    // A DNS hiccup is not the caller's fault: delivery checks the address again anyway.
    return
  }
  const kinds = addresses.map((a) => refusedAddress(a.address))
  if (kinds.every((k) => k !== null)) throw refuse(describeRefusal(`${host} (${addresses[0]!.address})`, kinds[0]!))
}
