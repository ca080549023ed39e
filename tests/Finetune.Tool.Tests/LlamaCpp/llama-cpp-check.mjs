// Loads a .gguf in real llama.cpp (node-llama-cpp, prebuilt CPU binaries) and prints one JSON line:
//   {"tokens": [[ids of each text]], "generated": [greedy ids after prompt_ids]}
// Usage: node llama-cpp-check.mjs NODE_LLAMA_CPP_DIR REQUEST.json
// REQUEST.json: {"model": PATH, "texts": [TEXT...], "prompt_ids": [ID...], "max_tokens": N, "vocab_only": false}
// vocab_only loads the tokenizer alone (a file with metadata and no tensors) and generates nothing.
// Texts are tokenized with special-token parsing on and no BOS, as Hugging Face encodes added tokens in raw text.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const [installDir, requestPath] = process.argv.slice(2);
const request = JSON.parse(readFileSync(requestPath, "utf8"));
const require = createRequire(join(installDir, "package.json"));
const { getLlama, LlamaLogLevel } = await import(require.resolve("node-llama-cpp"));

const llama = await getLlama({ gpu: false, build: "never", usePrebuiltBinaries: true, skipDownload: true, logLevel: LlamaLogLevel.error });
const model = await llama.loadModel({ modelPath: request.model, gpuLayers: 0, vocabOnly: request.vocab_only === true });
const tokens = request.texts.map(text => Array.from(model.tokenize(text, true)));
if (request.vocab_only === true) {
  process.stdout.write(JSON.stringify({ tokens, generated: [] }) + "\n");
  await model.dispose();
  await llama.dispose();
  process.exit(0);
}

const context = await model.createContext({ contextSize: 512, threads: 1 });
const sequence = context.getSequence();
const generated = [];
if (request.max_tokens > 0) {
  for await (const token of sequence.evaluate(request.prompt_ids, { temperature: 0 })) {
    generated.push(token);
    if (generated.length >= request.max_tokens) break;
  }
}
process.stdout.write(JSON.stringify({ tokens, generated }) + "\n");
await context.dispose();
await model.dispose();
await llama.dispose();
