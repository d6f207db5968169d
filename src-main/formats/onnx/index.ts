// The ONNX model codec: decode a ModelProto into typed messages, edit them, encode them back (byte for byte when
// unedited), with weights as views of the model's bytes or in external-data files beside it.
export * from './onnx-types';
export { decodeModel, decodeGraph, decodeTensor, OnnxDecodeError } from './onnx-decode';
export { encodeModel, encodeModelParts } from './onnx-encode';
export {
  byteLength,
  elementCount,
  elementSize,
  externalData,
  float32Tensor,
  float32Values,
  inlineBytes,
  int64Tensor,
  integerValues,
  rawTensor,
} from './onnx-tensor';
export { loadTensorBytes, readModelFile, writeModelFile, type WriteModelOptions } from './onnx-file';
