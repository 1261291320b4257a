/** Where each kind of stored file lives in the blob store; derivable from the record id. */
export const audioKey = (callId: string) => `audio/${callId}`
