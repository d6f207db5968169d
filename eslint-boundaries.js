// The house rules of src-main (conventions 1, 2 and 10; architecture.md "Shared formats"), declared once as data and
// enforced by lint. Imports between folders are judged by the path they resolve to, not by how they are spelled, so
// engine/concepts/ is never taken for the concepts service. Package restrictions are computed per folder, so each
// file gets exactly one `no-restricted-imports` with every restriction that applies to it.
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const srcMain = path.join(path.dirname(fileURLToPath(import.meta.url)), 'src-main');

const services = ['engine', 'gallery', 'concepts', 'loras', 'generation', 'models', 'system'];
/** Modules any folder may import: the contract, neutral formats and file helpers, two environment-free utilities. */
const neutral = ['shared', 'formats', 'fs', 'event-hub', 'app-paths'];
const anything = '*';
const transportsWhy = 'Transports reach services only through studio.ts and the contract (shared/).';

/**
 * Who may import what, by unit of src-main (a folder, or a top-level file by its name). `imports`: units that may
 * be imported, services only through their public entry (index.ts) unless the importer may import anything;
 * `typesOf`: services whose entry may be imported for types only.
 */
export const house = {
  shared: { imports: [], why: 'The contract is environment-free and imports nothing of the app.' },
  ...Object.fromEntries(
    ['formats', 'fs', 'event-hub', 'app-paths'].map((unit) => [
      unit,
      { imports: neutral, typesOf: services, why: 'Neutral modules know no service (types of a public entry aside).' },
    ]),
  ),
  engine: {
    imports: [...neutral, ...services.filter((s) => s !== 'gallery')],
    why: 'The engine knows nothing of its callers and never imports the gallery.',
  },
  gallery: {
    imports: [...neutral, ...services.filter((s) => s !== 'engine')],
    typesOf: ['engine'],
    why: 'The gallery never imports the engine (the studio connects them); it may name the engine’s plain-data types.',
  },
  ...Object.fromEntries(
    ['concepts', 'loras', 'generation', 'models', 'system'].map((unit) => [
      unit,
      { imports: [...neutral, ...services], why: 'Services know nothing of their callers.' },
    ]),
  ),
  'process-guard': { imports: neutral, why: 'The process guard is a neutral module: it knows no service.' },
  studio: { imports: anything },
  // Transports reach services only through the composition root (studio.ts) and the contract.
  api: { imports: neutral, why: transportsWhy },
  server: { imports: [...neutral, 'studio', 'api'], why: transportsWhy },
  shell: { imports: [...neutral, 'studio', 'api', 'server', 'process-guard'], why: transportsWhy },
  cli: { imports: [...neutral, 'studio', 'api', 'server', 'process-guard'], why: transportsWhy },
};

const nodeBuiltins = ['node:*', ...builtinModules.flatMap((name) => [name, `${name}/*`])];

/** Packages by who may not import them; each entry is a `no-restricted-imports` pattern group. */
const packageRules = [
  {
    group: ['electron', 'electron/*'],
    allowedIn: ['shell'],
    message: 'Only the Electron shell imports electron; services run under plain Node.',
  },
  {
    group: ['onnxruntime-node', 'onnxruntime-node/*'],
    allowedIn: ['engine'],
    message: 'Only the engine’s session module talks to ONNX Runtime.',
  },
  { group: ['better-sqlite3'], forbiddenIn: ['engine', 'shared'], message: 'The engine knows nothing of storage.' },
  { group: nodeBuiltins, forbiddenIn: ['shared'], message: 'The contract is environment-free: no node:*.' },
];

/** Every package restriction that applies to a unit, as one rule (so no later block can replace part of it). */
export function restrictedPackages(unit) {
  const patterns = packageRules
    .filter((rule) => (rule.allowedIn ? !rule.allowedIn.includes(unit) : rule.forbiddenIn.includes(unit)))
    .map(({ group, message }) => ({ group, message }));
  return patterns.length ? { 'no-restricted-imports': ['error', { patterns }] } : {};
}

/** The units that get their own lint block: every folder and top-level file the house names. */
export const units = Object.keys(house);

/** 'src-main/gallery/store.ts' → 'gallery'; 'src-main/studio.ts' → 'studio'; outside src-main → null. */
function unitOf(file) {
  const relative = path.relative(srcMain, file);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return null;
  const [first, ...rest] = relative.split(path.sep);
  return rest.length ? first : first.replace(/\.[cm]?[jt]s$/, '');
}

/** The service's public entry: 'src-main/engine', 'src-main/engine/index' or 'src-main/engine/index.ts'. */
function isEntry(target, unit) {
  const rest = path.relative(path.join(srcMain, unit), target);
  return rest === '' || /^index(\.[cm]?[jt]s)?$/.test(rest);
}

// Tests and their support files compose services as the composition root does; they are judged by packages only.
const isTestFile = (file) => /\.test\.ts$/.test(file) || file.split(path.sep).includes('test-support');

export const boundariesRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Folders of src-main import each other only as the house allows (eslint-boundaries.js).' },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    const from = unitOf(file);
    if (from === null || isTestFile(file)) return {};
    const policy = house[from] ?? { imports: [], why: `${from} is not in the house table (eslint-boundaries.js).` };

    function check(node, source, typeOnly) {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = path.resolve(path.dirname(file), source);
      const to = unitOf(target);
      const report = (reason) => context.report({ node, message: `${from} may not import '${source}': ${reason}` });
      if (to === null) return report('the app does not import code from outside src-main (tools/ is not shipped).');
      if (to === from || policy.imports === anything) return;
      const service = services.includes(to);
      if (policy.imports.includes(to)) {
        if (service && !isEntry(target, to))
          report(`import the ${to} service through its public entry ('${to}/index.ts').`);
      } else if (typeOnly && (policy.typesOf ?? []).includes(to)) {
        if (!isEntry(target, to)) report(`name ${to}'s types through its public entry ('${to}/index.ts').`);
      } else {
        report(policy.why);
      }
    }

    const importKindIsType = (node) =>
      node.importKind === 'type' ||
      node.exportKind === 'type' ||
      (node.specifiers?.length > 0 && node.specifiers.every((s) => s.importKind === 'type' || s.exportKind === 'type'));
    return {
      ImportDeclaration: (node) => check(node, node.source.value, importKindIsType(node)),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value, importKindIsType(node)),
      ExportAllDeclaration: (node) => check(node, node.source.value, node.exportKind === 'type'),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value, false),
    };
  },
};
