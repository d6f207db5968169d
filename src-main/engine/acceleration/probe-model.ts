// The smallest ONNX model (y = Identity(x), one float): creating a session of it on a provider asks that provider to
// start (WebGPU: find an adapter) in milliseconds, without touching a real model.
import { concatBytes } from '../../formats/bytes';
import { bytesField, varintField } from '../concepts/protobuf';

const utf8 = (text: string) => new TextEncoder().encode(text);

/** ValueInfoProto: name, float tensor of shape [1]. */
function floatValue(name: string): Uint8Array {
  const dim = bytesField(1, varintField(1, 1)); // TensorShapeProto.dim { dim_value: 1 }
  const tensorType = concatBytes([varintField(1, 1), bytesField(2, dim)]); // elem_type FLOAT, shape
  return concatBytes([bytesField(1, utf8(name)), bytesField(2, bytesField(1, tensorType))]);
}

export function probeModel(): Uint8Array {
  const node = concatBytes([bytesField(1, utf8('x')), bytesField(2, utf8('y')), bytesField(4, utf8('Identity'))]);
  const graph = concatBytes([
    bytesField(1, node),
    bytesField(2, utf8('provider-probe')),
    bytesField(11, floatValue('x')),
    bytesField(12, floatValue('y')),
  ]);
  const opset = concatBytes([bytesField(1, utf8('')), varintField(2, 17)]);
  return concatBytes([varintField(1, 8), bytesField(7, graph), bytesField(8, opset)]);
}
