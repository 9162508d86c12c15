// MARK: - Guided walks: an RNN cell, an LSTM cell, causal self-attention

extension GuidedWalks {
    /// An Elman RNN along a short sequence.
    static let rnn = GuidedWalk(name: "rnn", summary: "a recurrent cell carrying a hidden state along a sequence", pages: [
        .init("""
            A recurrent cell reads a sequence one element at a time and carries a hidden state h
            from step to step: h_t = tanh(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh), as PyTorch's
            nn.RNNCell. The same weights are used at every step. The first step starts from h = 0,
            so only the input contributes:
            """, code: """
            seed(3)
            W_ih = randn(4, 3) * 0.5
            W_hh = randn(4, 4) * 0.5
            b_ih = zeros(4)
            b_hh = zeros(4)
            xs = randn(5, 3)
            h = zeros(4)
            explain rnn_cell(xs[0], h, W_ih, W_hh, b_ih, b_hh)
            """),
        .init("""
            Running the cell along all five inputs, each new h depends on the input and on the
            previous h — that is the network's memory. tanh keeps every entry in (−1, 1). Row t of
            hs is the hidden state after reading xs[t]:
            """, code: """
            hs = zeros(5, 4)
            for t in 0..<5 {
              h = rnn_cell(xs[t], h, W_ih, W_hh, b_ih, b_hh)
              hs = where(reshape(arange(5), 5, 1) == t, h, hs)
            }
            hs
            heatmap(hs, title="hidden state h_t (rows: time steps, columns: units)")
            """),
        .init("""
            The second step again, now from the hidden state the first step left: h·W_hhᵀ is no
            longer zero, and the pre-activation mixes the new input with what the cell remembered.
            """, code: "explain rnn_cell(xs[1], hs[0], W_ih, W_hh, b_ih, b_hh)"),
    ])

    /// One LSTM cell, gate by gate.
    static let lstm = GuidedWalk(name: "lstm", summary: "an LSTM cell, gate by gate", pages: [
        .init("""
            An LSTM cell (PyTorch nn.LSTMCell) keeps two states: the hidden state h and the cell
            state c. Four gates are computed from x and h — rows i, f, g, o of W_ih and W_hh:
            i_t = σ(x·W_iiᵀ + b_ii + h·W_hiᵀ + b_hi) decides how much to write, f_t how much of the
            old cell state to keep, g_t = tanh(…) what to write, o_t how much of the cell to show.
            Then c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t and h_t = o_t ⊙ tanh(c_t). Two hidden units, three
            inputs, starting from zeros:
            """, code: """
            seed(4)
            W_ih = randn(8, 3) * 0.5
            W_hh = randn(8, 2) * 0.5
            b_ih = zeros(8)
            b_hh = zeros(8)
            x = [1.0, -0.5, 0.25]
            h0 = zeros(2)
            c0 = zeros(2)
            explain lstm_cell(x, h0, c0, W_ih, W_hh, b_ih, b_hh)
            """),
        .init("""
            With c_{t−1} = 0 the forget gate had nothing to forget. Feed the cell its own output and
            a second input: now f_t ⊙ c_{t−1} carries the old cell state forward, scaled per unit.
            """, code: """
            h1, c1 = lstm_cell(x, h0, c0, W_ih, W_hh, b_ih, b_hh)
            explain lstm_cell([0.0, 1.0, -1.0], h1, c1, W_ih, W_hh, b_ih, b_hh)
            """),
        .init("""
            A common initialisation sets the forget gate's bias to 1 (Jozefowicz et al. 2015), so
            that f_t starts near σ(1) ≈ 0.73 and the cell remembers by default. The f block is rows
            2–3 of the bias (H = 2):
            """, code: """
            b_f = [0, 0, 1, 1, 0, 0, 0, 0]
            explain lstm_cell([0.0, 1.0, -1.0], h1, c1, W_ih, W_hh, b_f, b_hh)
            """),
    ])

    /// Scaled dot-product self-attention with a causal mask.
    static let attention = GuidedWalk(name: "attention", summary: "self-attention with a causal mask", pages: [
        .init("""
            Attention (Vaswani et al. 2017) lets every position look at the others:
            softmax(Q·Kᵀ/√d_k)·V. Each of 4 tokens has 8 features; three matrices project them to
            queries Q, keys K and values V of size d_k = 4. A language model must not look at later
            tokens, so a causal mask adds −∞ above the diagonal: those scores become weight 0.
            """, code: """
            seed(5)
            X = randn(4, 8)
            W_q = randn(8, 4) * 0.5
            W_k = randn(8, 4) * 0.5
            W_v = randn(8, 4) * 0.5
            Q = X @ W_q
            K = X @ W_k
            V = X @ W_v
            M = causal_mask(4)
            M
            """),
        .init("""
            Row i of the scores holds how well query i matches every key. Dividing by √d_k keeps
            the scores' spread independent of d_k, so the softmax does not saturate. After the mask
            and the softmax each row sums to 1 over the tokens it may see; the output row i is the
            weighted mean of the value rows 0…i.
            """, code: "explain attention(Q, K, V, mask=M)"),
        .init("""
            Without the mask every token attends to all four, the future included:
            """, code: """
            heatmap(softmax(Q @ K' / sqrt(4)), title="weights without a mask (rows: queries, columns: keys)")
            """),
    ])
}
