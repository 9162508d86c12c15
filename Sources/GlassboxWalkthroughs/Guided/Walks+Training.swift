// MARK: - Guided walks: a forward pass, its backward pass, gradient descent, Adam

extension GuidedWalks {
    /// A 2-layer MLP, forward.
    static let forward = GuidedWalk(name: "forward", summary: "a forward pass through a 2-layer MLP", pages: [
        .init("""
            A 2-layer perceptron turns an input x into a prediction with two affine maps and a
            nonlinearity between them: h = relu(x·W₁ᵀ + b₁), then ŷ = h·W₂ᵀ + b₂. As in PyTorch's
            nn.Linear, each W is (out, in): W1 maps 3 features to 4 hidden units, W2 maps those 4
            to one output. The inputs are small and seeded, so every number below is reproducible.
            """, code: """
            seed(0)
            x = [[0.5, -1.0, 2.0]]
            W1 = randn(4, 3) * 0.5
            b1 = full(0.1, 4)
            W2 = randn(1, 4) * 0.5
            b2 = [0.2]
            """),
        .init("""
            explain runs the expression and records every op while it runs. Read it top to bottom:
            the transpose W1ᵀ, the matrix product, the bias (broadcast over the rows), relu — which
            zeroes the negative pre-activations — and then the second layer the same way.
            """, code: "explain relu(x @ W1' + b1) @ W2' + b2"),
        .init("""
            The hidden layer on its own: a hidden unit whose pre-activation was negative is exactly
            0, so it contributes nothing to ŷ (and, as `:walk backward` shows, it passes no gradient
            back either). Change x and run the explain line again to see other units switch on.
            """, code: """
            h = relu(x @ W1' + b1)
            h
            """),
    ])

    /// The same MLP's gradients, node by node.
    static let backward = GuidedWalk(name: "backward", summary: "the same MLP's gradients, node by node", pages: [
        .init("""
            The backward pass applies the chain rule from the loss back to every parameter. We make
            the weights trainable with param(…) — backward fills their gradients — and measure the
            squared error of the MLP's output against a target.
            """, code: """
            seed(0)
            x = [[0.5, -1.0, 2.0]]
            target = [[1.0]]
            W1 = param(randn(4, 3) * 0.5)
            b1 = param(full(0.1, 4))
            W2 = param(randn(1, 4) * 0.5)
            b2 = param([0.2])
            h = relu(x @ W1' + b1)
            y = h @ W2' + b2
            loss = mean((y - target) ^ 2)
            loss
            """),
        .init("""
            explain backward(loss) shows the reverse pass node by node, in the order it runs: a node
            runs only after every node that reads its output, so its upstream gradient ∂loss/∂output
            is complete. It multiplies that by its local derivative and passes ∂loss/∂input to each
            input. Intermediates without a name are called z₁, z₂, … after the node that made them.
            """, code: "explain backward(loss)"),
        .init("""
            The gradients now sit on the parameters (grad(W1) or W1.grad). The rows of W1 that
            belong to hidden units relu switched off are all zero: relu's local derivative there is
            0, so no gradient flows through. A gradient step would leave those rows alone.
            """, code: """
            grad(W1)
            grad(b2)
            """),
    ])

    /// Gradient descent on a 2-D quadratic: the learning rate's effect, with loss curves.
    static let gradientDescent = GuidedWalk(name: "gd", summary: "gradient descent on a 2-D bowl; what the learning rate does", pages: [
        .init("""
            Gradient descent repeats θ ← θ − α·∂f/∂θ. Take the bowl f(θ) = θ₁² + 10·θ₂², whose
            gradient is (2·θ₁, 20·θ₂): the θ₂ direction is ten times steeper. One step of plain SGD
            with α = 0.05, from θ = (2, 1):
            """, code: """
            f(θ) = sum([1, 10] * θ ^ 2)
            θ = param([2.0, 1.0])
            opt = sgd(θ, lr=0.05)
            loss = f(θ)
            backward(loss)
            explain step(opt)
            """),
        .init("""
            Each step multiplies θ₁ by 1 − 2α and θ₂ by 1 − 20α. A small α is safe but slow; once
            20α passes 1, θ₂ overshoots the bottom and flips sign every step; past α = 0.1 each
            overshoot is larger than the last and the loss grows without bound. Here are four runs
            of 40 steps (descend collects the loss at every step):
            """, code: """
            descend(lr, steps) = {
              θ = param([2.0, 1.0])
              opt = sgd(θ, lr=lr)
              losses = zeros(steps)
              for i in 0..<steps {
                loss = f(θ)
                losses = where(arange(steps) == i, detach(loss), losses)
                backward(loss)
                step(opt)
              }
              losses
            }
            plot(descend(0.005, 40), title="loss, α = 0.005: slow")
            plot(descend(0.05, 40), title="loss, α = 0.05")
            plot(descend(0.095, 40), title="loss, α = 0.095: θ₂ overshoots every step")
            plot(descend(0.105, 40), title="loss, α = 0.105: diverges")
            """),
        .init("""
            Where θ goes with α = 0.095: θ₁ creeps towards 0 while θ₂ jumps from one side of the
            valley to the other. The largest stable α is set by the steepest direction (2/20 = 0.1)
            and then the shallow direction crawls. Adam rescales each coordinate by the size of its
            own gradients — see `:walk adam`.
            """, code: """
            path(lr, steps) = {
              θ = param([2.0, 1.0])
              opt = sgd(θ, lr=lr)
              p1 = zeros(steps)
              p2 = zeros(steps)
              for i in 0..<steps {
                p1 = where(arange(steps) == i, detach(θ[0]), p1)
                p2 = where(arange(steps) == i, detach(θ[1]), p2)
                backward(f(θ))
                step(opt)
              }
              (p1, p2)
            }
            θ1, θ2 = path(0.095, 30)
            plot(θ1, θ2, title="θ₂ against θ₁ over 30 steps, α = 0.095")
            """),
    ])

    /// Adam's first steps, with and without bias correction.
    static let adam = GuidedWalk(name: "adam", summary: "Adam's first steps, and why bias correction matters", pages: [
        .init("""
            Adam (Kingma & Ba 2015) keeps two running averages per parameter — m of the gradient and
            v of its square — and steps by α·m̂/(√v̂ + ε). Both start at 0, so at first they are too
            small: m₁ = (1 − β₁)·g = 0.1·g. Bias correction divides by 1 − βᵗ to undo that. The first
            step on the bowl f(θ) = θ₁² + 10·θ₂² from `:walk gd`, with α = 0.1:
            """, code: """
            f(θ) = sum([1, 10] * θ ^ 2)
            θ = param([2.0, 1.0])
            opt = adam(θ, lr=0.1)
            backward(f(θ))
            explain step(opt)
            """),
        .init("""
            At t = 1, m̂ = g and v̂ = g², so the update is α·g/|g|: both coordinates move by α = 0.1,
            although one gradient is five times the other. That is Adam's per-coordinate scaling.
            The second step: m and v now mix two gradients, and 1 − β₁² = 0.19, 1 − β₂² ≈ 0.002.
            """, code: """
            backward(f(θ))
            explain step(opt)
            """),
        .init("""
            Without bias correction the first update would be α·m₁/√v₁ = α·0.1·g/(√0.001·|g|), about
            3.16·α: v₁ is 1000 times too small and its square root wins. In general the uncorrected
            step is (1 − β₁ᵗ)/√(1 − β₂ᵗ) times the corrected one — up to 6.5 times around t = 10, and
            back near 1 only after thousands of steps, because β₂ = 0.999 forgets slowly.
            """, code: """
            t = arange(1, 3001)
            plot(t, (1 - 0.9 ^ t) / sqrt(1 - 0.999 ^ t), title="uncorrected ÷ corrected step size")
            """),
        .init("""
            The same update written out in Glassbox, so that the correction can be switched off. With
            it (the real optimizer gives the same curve), the loss falls smoothly; without it, the
            first steps are several times too long and the loss jumps before it settles.
            """, code: """
            run(correct, steps) = {
              θ = param([2.0, 1.0])
              m = zeros(2)
              v = zeros(2)
              losses = zeros(steps)
              for t in 1...steps {
                loss = f(θ)
                losses = where(arange(steps) == t - 1, detach(loss), losses)
                backward(loss)
                g = grad(θ)
                m = 0.9 * m + 0.1 * g
                v = 0.999 * v + 0.001 * g ^ 2
                m_hat = if correct { m / (1 - 0.9 ^ t) } else { m }
                v_hat = if correct { v / (1 - 0.999 ^ t) } else { v }
                θ = param(detach(θ) - 0.1 * m_hat / (sqrt(v_hat) + 1e-8))
              }
              losses
            }
            plot(run(1, 40), title="Adam, α = 0.1, with bias correction")
            plot(run(0, 40), title="Adam, α = 0.1, without bias correction")
            """),
    ])
}
