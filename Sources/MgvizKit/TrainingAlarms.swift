import Glibc
import MgvizExport
import MgvizSpec

/// What makes a training run's alarms go off (docs/timeline.md gives the defaults' reasons).
public struct AlarmThresholds: Sendable, Equatable {
    /// A unit is dead when it has passed no grad back at each of the last `deadSteps` steps.
    public var deadSteps = 5
    /// The `deadSteps` the command takes.
    public static let deadStepsRange = 1...1_000_000
    /// A layer's grads vanish at a step where Σ|grad| / Σ|data| over its parameters is below
    /// this.
    public var vanishingRatio = 1e-6
    /// The `vanishingRatio` the command takes.
    public static let vanishingRatioRange = 0.0...1.0
    /// A layer's grads explode at a step where their norm is this many times the step before's.
    public var explodingFactor = 100.0
    /// The `explodingFactor` the command takes.
    public static let explodingFactorRange = 1.0...Double.greatestFiniteMagnitude

    /// The defaults.
    public init() {}
}

/// One alarm of a training run, at the step (0-based) where it first holds.
public enum TrainingAlarm: Sendable, Equatable {
    /// A ReLU unit (`L1 N3`) whose weights and bias got no grad through its output at every
    /// step from `since` to the last (`TrainingRun.passesNoGrad`), counting only the steps at
    /// which some unit got one: its ReLU was 0 for every example, so it passes nothing back.
    case deadUnit(unit: String, since: Int)
    /// A layer (`L2`, or nil for parameters of no layer) whose Σ|grad| / Σ|data| fell below
    /// the threshold, first at `step`, and at `steps` steps in all.
    case vanishingGrads(layer: String?, step: Int, ratio: Double, steps: Int)
    /// A layer whose grads' norm grew `factor` times in one step, first at `step`.
    case explodingGrads(layer: String?, step: Int, factor: Double, before: Double, after: Double)
    /// The first step whose loss, data or grads are not all finite: `what` is the first of
    /// them (`loss`, `L1 N2 w1's grad`); `origin`, where the step kept its graph, says where
    /// the first non-finite value came from, as `--check` finds it.
    case nonFinite(step: Int, what: String, origin: String?)

    /// The step (0-based) the alarm is at.
    public var step: Int {
        switch self {
        case .deadUnit(_, let since): since
        case .vanishingGrads(_, let step, _, _), .explodingGrads(_, let step, _, _, _), .nonFinite(let step, _, _): step
        }
    }

    /// The alarm in words, steps counted from 1: `step 37: L1's grads exploded 420x in one step (0.013 → 5.46)`.
    public var description: String {
        func layerName(_ layer: String?) -> String { layer.map { "\($0)'s" } ?? "the" }
        switch self {
        case .deadUnit(let unit, let since):
            return "step \(since + 1): dead unit \(unit): no grad passed back through its ReLU from here on, while other units learned"
        case .vanishingGrads(let layer, let step, let ratio, let steps):
            return "step \(step + 1): \(layerName(layer)) grads vanish: Σ|grad| / Σ|data| = \(shortText(ratio))"
                + (steps > 1 ? " (at \(steps) steps)" : "")
        case .explodingGrads(let layer, let step, let factor, let before, let after):
            return "step \(step + 1): \(layerName(layer)) grads exploded \(shortText(factor))x in one step (norm \(shortText(before)) → \(shortText(after)))"
        case .nonFinite(let step, let what, let origin):
            return "step \(step + 1): \(what) is not finite" + (origin.map { "; \($0)" } ?? "")
        }
    }
}

/// Three significant digits, for alarms: `0.0134`, `4.2e-08`. The C locale's point: the
/// library never sets a locale.
private func shortText(_ x: Double) -> String {
    guard x.isFinite else { return fixedText(x, decimals: 0) }
    var buffer = [CChar](repeating: 0, count: 32)
    _ = withVaList([x]) { vsnprintf(&buffer, buffer.count, "%.3g", $0) }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

extension TrainingRun {
    /// The parameters' positions by layer (`L1`), in order; one group, nil, for those of no layer.
    public var layers: [(name: String?, parameters: [Int])] {
        var order: [Int?] = []
        var members: [Int?: [Int]] = [:]
        for (k, p) in parameters.enumerated() {
            if members[p.layer] == nil { order.append(p.layer) }
            members[p.layer, default: []].append(k)
        }
        return order.map { (name: $0.map { "L\($0)" }, parameters: members[$0]!) }
    }

    /// The parameters' positions by unit (`L1 N3`), in order, for the units of a model's layers.
    public var units: [(name: String, layer: Int, nonlinear: Bool?, parameters: [Int])] {
        var order: [String] = []
        var found: [String: (name: String, layer: Int, nonlinear: Bool?, parameters: [Int])] = [:]
        for (k, p) in parameters.enumerated() {
            guard let layer = p.layer, let neuron = p.neuron else { continue }
            let name = "L\(layer) N\(neuron)"
            if found[name] == nil {
                order.append(name)
                found[name] = (name, layer, p.nonlinear, [])
            }
            found[name]!.parameters.append(k)
        }
        return order.map { found[$0]! }
    }

    /// The run's alarms under `thresholds`, in the order of their steps (then dead units,
    /// vanishing, exploding and non-finite). `origin(step)` says where the first non-finite
    /// value of a step's graph came from, for a step that kept its graph.
    func alarms(_ thresholds: AlarmThresholds, origin: (Int) -> String?, activeExamples: (Int) -> [String: Int]?) -> [TrainingAlarm] {
        var alarms: [TrainingAlarm] = []
        // Dead units: ReLU units (or, where the run does not say, any unit of a layer but the
        // last: micrograd's MLP puts a ReLU on every layer but the last).
        // Only the steps where some unit passes a grad back count: where the loss passes
        // none (every hinge satisfied), no unit shows whether it is alive.
        let lastLayer = parameters.compactMap(\.layer).max()
        let allUnits = units
        let learning = steps.indices.filter { s in allUnits.contains { !Self.passesNoGrad($0.parameters, at: steps[s]) } }
        if learning.count >= thresholds.deadSteps {
            for unit in allUnits where unit.nonlinear ?? (unit.layer != lastLayer) {
                var since = learning.count
                while since > 0, Self.passesNoGrad(unit.parameters, at: steps[learning[since - 1]]) { since -= 1 }
                guard learning.count - since >= thresholds.deadSteps else { continue }
                // The grads cannot tell a dead unit from one whose grad the units after it
                // block: the last graph kept since then, where there is one, says whether its
                // ReLU was 0 for every example.
                if let kept = graphSteps.last(where: { $0 >= learning[since] }), let active = activeExamples(kept)?[unit.name], active > 0 {
                    continue
                }
                alarms.append(.deadUnit(unit: unit.name, since: learning[since]))
            }
        }
        for layer in layers {
            var vanishing: (step: Int, ratio: Double)?
            var vanishingSteps = 0
            var exploding: TrainingAlarm?
            var previousNorm: Double?
            for (s, step) in steps.enumerated() {
                var grads = 0.0, data = 0.0, squares = 0.0
                for k in layer.parameters {
                    grads += abs(step.grad[k])
                    data += abs(step.data[k])
                    squares += step.grad[k] * step.grad[k]
                }
                guard grads.isFinite, data.isFinite else { previousNorm = nil; continue }
                let ratio = data > 0 ? grads / data : .infinity
                if ratio < thresholds.vanishingRatio {
                    vanishingSteps += 1
                    if vanishing == nil { vanishing = (s, ratio) }
                }
                let norm = squares.squareRoot()
                if exploding == nil, let previousNorm, previousNorm > 0, norm / previousNorm >= thresholds.explodingFactor {
                    exploding = .explodingGrads(layer: layer.name, step: s, factor: norm / previousNorm, before: previousNorm, after: norm)
                }
                previousNorm = norm
            }
            if let vanishing { alarms.append(.vanishingGrads(layer: layer.name, step: vanishing.step, ratio: vanishing.ratio, steps: vanishingSteps)) }
            if let exploding { alarms.append(exploding) }
        }
        if let (s, what) = firstNonFinite() { alarms.append(.nonFinite(step: s, what: what, origin: steps[s].graph == nil ? nil : origin(s))) }
        return alarms.enumerated().sorted { ($0.element.step, $0.offset) < ($1.element.step, $1.offset) }.map(\.element)
    }

    /// Whether a unit's parameters got no grad through its output at `step`: each grad is 0,
    /// or all are one multiple of their data (within `proportionTolerance`), as an L2 penalty
    /// alone makes them (micrograd's demo: 2 · 1e-4 · p). A parameter whose data is 0 then has
    /// a grad of 0.
    static func passesNoGrad(_ parameters: [Int], at step: Step) -> Bool {
        var ratio: Double?
        for k in parameters {
            let grad = step.grad[k], data = step.data[k]
            if data == 0 {
                guard grad == 0 else { return false }
                continue
            }
            let r = grad / data
            guard r.isFinite else { return false }
            if let ratio {
                guard abs(r - ratio) <= proportionTolerance * max(abs(r), abs(ratio)) else { return false }
            } else {
                ratio = r
            }
        }
        return true
    }

    /// How far apart two grad-to-data ratios of a dead unit may be: the rounding of
    /// 2 · (1e-4 · p), a few units in the last place, well within it.
    static let proportionTolerance = 1e-9

    /// The first step whose numbers are not all finite, and the first such number of it.
    private func firstNonFinite() -> (Int, String)? {
        for (s, step) in steps.enumerated() {
            if !step.loss.isFinite { return (s, "the loss") }
            if let k = step.data.firstIndex(where: { !$0.isFinite }) { return (s, "\(parameters[k].name)'s data") }
            if let k = step.grad.firstIndex(where: { !$0.isFinite }) { return (s, "\(parameters[k].name)'s grad") }
        }
        return nil
    }
}

extension Diagram {
    /// For each neuron group (`L1 N3`) with ReLU nodes, how many of them are above 0: the
    /// examples on which the unit is alive.
    var activeExamples: [String: Int] {
        var active: [String: Int] = [:]
        for node in nodes where node.op == "ReLU" {
            var group = node.group
            while let g = group, g.kind != .neuron { group = g.parent.map { groups[$0] } }
            guard let neuron = group else { continue }
            active[neuron.name, default: 0] += node.data > 0 ? 1 : 0
        }
        return active
    }
}
