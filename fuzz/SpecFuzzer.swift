// libFuzzer entry point: any bytes through the spec parser, the evaluator (models too),
// backward, the checks, both exporters with the model's clusters, neuron collapse and the
// HTML page's own code (around an empty SVG: the fuzzer does not link Graphviz). Anything but
// a clean return or a thrown SpecError is a bug.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSpec(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let spec = try? Spec(bytes: bytes, file: "fuzz.json"),
          let evaluation = try? spec.evaluate(file: "fuzz.json")
    else { return 0 }
    evaluation.output.backward()
    var diagram = Diagram(
        output: evaluation.output, title: evaluation.title, withGrad: true,
        parameters: evaluation.parameters, neurons: evaluation.neurons)
    for result in GradientCheck().run(output: evaluation.output, inputs: evaluation.inputs) where result.verdict == .wrong {
        if let position = diagram.position(of: result.input) {
            diagram.nodes[position].problems.append(.init("numeric grad", result.numeric))
        }
    }
    _ = evaluation.checkExpectations()
    _ = diagram.firstNonFinite()
    for drawn in [diagram, diagram.collapsingNeurons()] {
        _ = DOTExporter(rankDirection: .TB, precision: 17, coloring: .grad).exportBytes(drawn)
        _ = JSONExporter().exportBytes(drawn)
        _ = HTMLViewer().page(svg: [], diagram: drawn)
    }
    return 0
}
