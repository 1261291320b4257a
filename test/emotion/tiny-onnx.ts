/**
 * Writes a minimal ONNX speech-emotion "model" by hand, so the real loading path can be tested
 * without shipping weights: logits = mean(audio) * W + bias. The engine feeds zero-mean audio,
 * so the class with the largest bias always wins.
 */
const varint = (n: number): number[] => {
  const out: number[] = []
  do {
    let byte = n & 0x7f
    n = Math.floor(n / 128)
    if (n > 0) byte |= 0x80
    out.push(byte)
  } while (n > 0)
  return out
}
const key = (field: number, wire: number) => varint(field * 8 + wire)
const int = (field: number, v: number) => [...key(field, 0), ...varint(v)]
const bytes = (field: number, b: Uint8Array | number[]) => [...key(field, 2), ...varint(b.length), ...b]
const str = (field: number, s: string) => bytes(field, [...Buffer.from(s)])

const floatTensor = (name: string, dims: number[], values: number[]) => [
  ...dims.flatMap((d) => int(1, d)),
  ...int(2, 1),
  ...str(8, name),
  ...bytes(9, [...new Uint8Array(Float32Array.from(values).buffer)])
]

const tensorType = (dims: (number | string)[]) => {
  const shape = dims.flatMap((d) => bytes(1, typeof d === 'number' ? int(1, d) : str(2, d)))
  return bytes(1, [...int(1, 1), ...bytes(2, shape)])
}
const valueInfo = (name: string, dims: (number | string)[]) => [...str(1, name), ...bytes(2, tensorType(dims))]
const node = (op: string, inputs: string[], output: string, attribute: number[] = []) => [
  ...inputs.flatMap((i) => str(1, i)),
  ...str(2, output),
  ...str(3, op.toLowerCase()),
  ...str(4, op),
  ...(attribute.length ? bytes(5, attribute) : [])
]

export function tinyEmotionModel(bias: number[]): Buffer {
  const classes = bias.length
  const axes = [...str(1, 'axes'), ...int(8, 1), ...int(20, 7)] // INTS attribute: axes = [1]
  const graph = [
    ...bytes(1, node('ReduceMean', ['audio'], 'mean', axes)),
    ...bytes(1, node('MatMul', ['mean', 'W'], 'scaled')),
    ...bytes(1, node('Add', ['scaled', 'bias'], 'logits')),
    ...str(2, 'tiny-emotion'),
    ...bytes(5, floatTensor('W', [1, classes], Array(classes).fill(1))),
    ...bytes(5, floatTensor('bias', [classes], bias)),
    ...bytes(11, valueInfo('audio', [1, 'samples'])),
    ...bytes(12, valueInfo('logits', [1, classes]))
  ]
  return Buffer.from([...int(1, 8), ...str(2, 'voxlens-test'), ...bytes(7, graph), ...bytes(8, [...str(1, ''), ...int(2, 13)])])
}
