// The smallest ONNX models, y = Identity(x): creating a session of one on a provider asks that provider to start
// (WebGPU: find an adapter) in milliseconds; with outputs kept on the device, one uploads a tensor to it once.
import { concatBytes } from '../../formats/bytes';
import { bytesField, varintField } from '../../formats/protobuf';

const utf8 = (text: string) => new TextEncoder().encode(text);

/** ONNX TensorProto.DataType numbers. */
export const onnxElementTypes = { float32: 1, int32: 6, int64: 7, float16: 10 } as const;

/** ValueInfoProto: a tensor of `elemType`, of shape [1], or of any shape when `anyShape`. */
function tensorValue(name: string, elemType: number, anyShape: boolean): Uint8Array {
  const dim = bytesField(1, varintField(1, 1)); // TensorShapeProto.dim { dim_value: 1 }
  const tensorType = anyShape ? varintField(1, elemType) : concatBytes([varintField(1, elemType), bytesField(2, dim)]);
  return concatBytes([bytesField(1, utf8(name)), bytesField(2, bytesField(1, tensorType))]);
}

export function probeModel(): Uint8Array {
  return identityModel(onnxElementTypes.float32, false);
}

/** y = Identity(x) for tensors of `elemType`; of any shape, or of shape [1]. */
export function identityModel(elemType: number, anyShape = true): Uint8Array {
  const node = concatBytes([bytesField(1, utf8('x')), bytesField(2, utf8('y')), bytesField(4, utf8('Identity'))]);
  const graph = concatBytes([
    bytesField(1, node),
    bytesField(2, utf8('provider-probe')),
    bytesField(11, tensorValue('x', elemType, anyShape)),
    bytesField(12, tensorValue('y', elemType, anyShape)),
  ]);
  const opset = concatBytes([bytesField(1, utf8('')), varintField(2, 17)]);
  return concatBytes([varintField(1, 8), bytesField(7, graph), bytesField(8, opset)]);
}
