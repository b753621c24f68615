import Foundation
import Micrograd

/// Python's `sum(values)`: it starts from the int 0, which micrograd turns into a leaf.
func pythonSum(_ values: [Value]) -> Value {
    values.dropFirst().reduce(values[0] + 0) { $0 + $1 }
}

/// The `shared/` folder that sits beside the project's root.
let sharedFolder = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("shared")

func isClose(_ a: Double, _ b: Double, relative: Double = 1e-9, absolute: Double = 0) -> Bool {
    abs(a - b) <= absolute + relative * max(abs(a), abs(b))
}
