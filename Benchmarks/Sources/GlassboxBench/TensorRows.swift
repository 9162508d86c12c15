import GlassboxLanguage
import GlassboxTensors
#if canImport(Glibc)
import Glibc
#endif

// The same layer rows written with tensors and autograd (`Ops`, `Autograd.backward`,
// `Optimizer`) and in the Glassbox language (`Session.run`): what a learner's code costs on
// top of the kernels (issue #6, item 5: within 1.2× of the direct kernel calls).

func tensor(_ shape: [Int], seed: UInt64, _ lo: Float = -1, _ hi: Float = 1) -> Tensor {
    let count = shape.reduce(1, *)
    // The shapes here are fixed and valid, so the initializer cannot throw.
    return (try? Tensor(shape: shape, data: randomArray(count, seed: seed, lo, hi))) ?? Tensor(scalar: 0)
}

/// Runs `body`, turning an error into a message on stderr and an exit (benchmarks only).
func orDie<T>(_ what: String, _ body: () throws -> T) -> T {
    do { return try body() } catch {
        print("benchmark \(what) failed: \(error)")
        exit(1)
    }
}

// MARK: - Tensors

func lstmTensorRow() -> (String, () -> Measurement) {
    ("lstm_T64_fwd_bwd_tensors", {
        let (T, B, I, H) = (64, 32, 64, 128)
        let xs = (0..<T).map { tensor([B, I], seed: 100 + UInt64($0)) }
        let W_ih = orDie("param") { try Ops.param(tensor([4 * H, I], seed: 11, -0.1, 0.1)) }
        let W_hh = orDie("param") { try Ops.param(tensor([4 * H, H], seed: 12, -0.1, 0.1)) }
        let b_ih = orDie("param") { try Ops.param(tensor([4 * H], seed: 13, -0.1, 0.1)) }
        let b_hh = orDie("param") { try Ops.param(tensor([4 * H], seed: 14, -0.1, 0.1)) }
        let zeros = orDie("zeros") { try Ops.zeros([B, H]) }
        return measure("lstm_T64_fwd_bwd_tensors", samples: 9) {
            orDie("lstm") {
                var h = zeros, c = zeros
                var total = Tensor(scalar: 0)
                for t in 0..<T {
                    (h, c) = try Ops.lstmCell(xs[t], h, c, W_ih, W_hh, b_ih, b_hh)
                    total = try Ops.add(total, Ops.sum(h))
                }
                try Autograd.backward(total)
            }
        }
    })
}

func attentionTensorRow() -> (String, () -> Measurement) {
    ("attention_fwd_bwd_tensors", {
        let x = tensor([8, 128, 64], seed: 20)
        let W = (0..<4).map { i in orDie("param") { try Ops.param(tensor([64, 64], seed: 21 + UInt64(i), -0.1, 0.1)) } }
        return measure("attention_fwd_bwd_tensors") {
            orDie("attention") {
                let q = try Ops.matmul(x, W[0]), k = try Ops.matmul(x, W[1]), v = try Ops.matmul(x, W[2])
                let y = try Ops.matmul(Ops.attention(q, k, v), W[3])
                try Autograd.backward(Ops.sum(y))
            }
        }
    })
}

func mlpTensorRow() -> (String, () -> Measurement) {
    ("mlp_step_tensors", {
        let x = tensor([64, 784], seed: 30, 0, 1)
        let labels = orDie("labels") { try Tensor(shape: [64], data: (0..<64).map { Float(($0 * 7) % 10) }) }
        let W1 = orDie("param") { try Ops.param(tensor([784, 128], seed: 32, -0.05, 0.05)) }
        let b1 = orDie("param") { try Ops.param(Ops.zeros([128])) }
        let W2 = orDie("param") { try Ops.param(tensor([128, 10], seed: 33, -0.05, 0.05)) }
        let b2 = orDie("param") { try Ops.param(Ops.zeros([10])) }
        let opt = orDie("adam") { try Optimizer.adam([W1, b1, W2, b2], lr: 1e-3) }
        return measure("mlp_step_tensors") {
            orDie("mlp") {
                let hidden = try Ops.relu(Ops.add(Ops.matmul(x, W1), b1))
                let logits = try Ops.add(Ops.matmul(hidden, W2), b2)
                try Autograd.backward(Ops.crossEntropy(logits, labels))
                try opt.step()
            }
        }
    })
}

// MARK: - Language

/// Times `call` (a statement) in a session after running `setup`; a failed cell aborts.
func languageRow(_ name: String, samples: Int = 15, setup: String, call: String) -> (String, () -> Measurement) {
    (name, {
        let session = Session()
        let prepared = session.run(setup, name: "setup")
        if let error = prepared.error { print("benchmark \(name): setup failed: \(error)"); exit(1) }
        return measure(name, samples: samples) {
            let result = session.run(call, name: "call")
            if let error = result.error { print("benchmark \(name) failed: \(error)"); exit(1) }
        }
    })
}

let lstmScript = """
    seed(0)
    T = 64
    xs = randn(64, 32, 64)
    W_ih = param(randn(512, 64) * 0.05)
    W_hh = param(randn(512, 128) * 0.05)
    b_ih = param(zeros(512))
    b_hh = param(zeros(512))
    run() = {
      h = zeros(32, 128)
      c = zeros(32, 128)
      total = 0
      for t in 0..<T {
        h, c = lstm_cell(xs[t], h, c, W_ih, W_hh, b_ih, b_hh)
        total = total + sum(h)
      }
      backward(total)
      total
    }
    """

let attentionScript = """
    seed(0)
    x = randn(8, 128, 64)
    W_q = param(randn(64, 64) * 0.1)
    W_k = param(randn(64, 64) * 0.1)
    W_v = param(randn(64, 64) * 0.1)
    W_o = param(randn(64, 64) * 0.1)
    run() = {
      y = attention(x @ W_q, x @ W_k, x @ W_v) @ W_o
      loss = sum(y)
      backward(loss)
      loss
    }
    """

let mlpScript = """
    seed(0)
    x = rand(64, 784)
    LABELS
    W1 = param(randn(784, 128) * 0.05)
    b1 = param(zeros(128))
    W2 = param(randn(128, 10) * 0.05)
    b2 = param(zeros(10))
    opt = adam(W1, b1, W2, b2, lr=0.001)
    run() = {
      loss = cross_entropy(relu(x @ W1 + b1) @ W2 + b2, labels)
      backward(loss)
      step(opt)
      loss
    }
    """

/// Label i is (7·i) mod 10, as in the kernel and tensor versions.
let mlpLabels = "labels = [" + (0..<64).map { String(($0 * 7) % 10) }.joined(separator: ", ") + "]"

func layerLanguageRows() -> [(name: String, run: () -> Measurement)] {
    [
        languageRow("lstm_T64_fwd_bwd_language", samples: 9, setup: lstmScript, call: "run()"),
        languageRow("attention_fwd_bwd_language", setup: attentionScript, call: "run()"),
        languageRow("mlp_step_language", setup: mlpScript.split(separator: "\n").map {
            $0.trimmingPrefix(" ") == "LABELS" ? Substring(mlpLabels) : $0 }.joined(separator: "\n"), call: "run()"),
    ]
}
