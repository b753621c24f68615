import Foundation
import MgvizSpec
import Testing

/// Every kind of bad input gets one line naming the file, the place and the problem.
@Suite struct BadInput {
    @Test(arguments: [
        // invalid JSON, empty or binary files, a value that is not an object
        ("", "spec.json: the file is empty (expected a JSON object with \"inputs\" and \"define\")"),
        ("  \n ", "spec.json: the file is empty (expected a JSON object with \"inputs\" and \"define\")"),
        ("{\"inputs\": {\"x\": 1},\n \"define\" [\"y = x\"]}", "spec.json: line 2, column 11: invalid JSON: expected ':' after the key, got '['"),
        ("{\"inputs\": {\"x\": 1}", "spec.json: line 1, column 20: invalid JSON: expected ',' or '}' in the object, got the end of the file"),
        ("{\"inputs\": {\"x\": 01}}", "spec.json: line 1, column 18: invalid JSON: numbers may not start with 0"),
        ("{\"inputs\": {\"x\": 1, \"x\": 2}, \"define\": [\"y = x\"]}", "spec.json: line 1, column 21: invalid JSON: duplicate key \"x\""),
        ("{\"inputs\": {\"x\": 1}} trailing", "spec.json: line 1, column 22: invalid JSON: unexpected text after the JSON value"),
        ("[1, 2]", "spec.json: expected a JSON object at the top level, got an array"),
        ("\"text\"", "spec.json: expected a JSON object at the top level, got a string"),
        // wrong types, missing keys, unknown keys
        ("{\"define\": [\"y = 1\"]}", "spec.json: missing required key \"inputs\""),
        ("{\"inputs\": {\"x\": 1}}", "spec.json: missing required key \"define\""),
        ("{\"inputs\": [1], \"define\": [\"y = 1\"]}", "spec.json: \"inputs\" (line 1, column 12): expected an object of name: number, got an array"),
        ("{\"inputs\": {\"x\": \"1\"}, \"define\": [\"y = x\"]}", "spec.json: \"inputs\".\"x\" (line 1, column 18): expected a number, got a string"),
        ("{\"inputs\": {\"x\": 1}, \"define\": \"y = x\"}", "spec.json: \"define\" (line 1, column 32): expected an array of \"name = expression\" strings, got a string"),
        ("{\"inputs\": {\"x\": 1}, \"define\": [\"y = x\", 3]}", "spec.json: define[1] (line 1, column 42): expected a \"name = expression\" string, got a number"),
        ("{\"inputs\": {\"x\": 1}, \"define\": []}", "spec.json: \"define\" (line 1, column 32): expected at least one \"name = expression\" entry"),
        ("{\"inputs\": {\"x\": 1}, \"define\": [\"y = x\"], \"title\": 5}", "spec.json: \"title\" (line 1, column 52): expected a string, got a number"),
        ("{\"inputs\": {\"x\": 1}, \"define\": [\"y = x\"], \"outputs\": \"y\"}", "spec.json: line 1, column 54: unknown key \"outputs\" (expected one of: title, inputs, mlp, batch, define, output, expect)"),
        // an unknown name or function, a reserved name, a redefinition
        ("{\"inputs\": {\"x\": 1}, \"define\": [\"y = x + z\"]}", "spec.json: define[0] (y), column 9: unknown name 'z' (expected an input or a name defined earlier)"),
        ("{\"inputs\": {\"x\": 1}, \"define\": [\"y = y + x\"]}", "spec.json: define[0] (y), column 5: unknown name 'y' (expected an input or a name defined earlier)"),
        ("{\"inputs\": {\"x\": 1}, \"define\": [\"y = softplus(x)\"]}", "spec.json: define[0] (y), column 5: unknown function 'softplus' (expected one of: exp, log, tanh, relu, sigmoid, sin, cos)"),
        ("{\"inputs\": {\"x\": 1}, \"define\": [\"y = tanh + x\"]}", "spec.json: define[0] (y), column 5: 'tanh' is a function: call it as tanh(...)"),
        ("{\"inputs\": {\"log\": 1}, \"define\": [\"y = 1\"]}", "spec.json: \"inputs\".\"log\" (line 1, column 20): 'log' is a function name and cannot name a value"),
        ("{\"inputs\": {\"x\": 1}, \"define\": [\"exp = x\"]}", "spec.json: define[0], column 1: 'exp' is a function name and cannot name a value"),
        ("{\"inputs\": {\"2x\": 1}, \"define\": [\"y = 1\"]}", "spec.json: \"inputs\".\"2x\" (line 1, column 19): '2x' is not a valid name (expected letters, digits and _, not starting with a digit)"),
        ("{\"inputs\": {\"x\": 1}, \"define\": [\"my var = x\"]}", "spec.json: define[0], column 1: 'my var' is not a valid name (expected letters, digits and _, not starting with a digit)"),
        ("{\"inputs\": {\"x\": 1}, \"define\": [\"x = 2 * x\"]}", "spec.json: define[0] (x), column 1: 'x' is already defined; names cannot be redefined"),
        ("{\"inputs\": {\"x\": 1}, \"define\": [\"y = x\", \"y = 2 * x\"]}", "spec.json: define[1] (y), column 1: 'y' is already defined; names cannot be redefined"),
        // a syntax error, unbalanced parentheses, trailing tokens, an entry without =
        ("{\"inputs\": {\"x\": 1}, \"define\": [\"y = x * * 2\"]}", "spec.json: define[0] (y), column 9: expected a number, a name, a function or '(', got '*'"),
        ("{\"inputs\": {\"x\": 1}, \"define\": [\"y = x +\"]}", "spec.json: define[0] (y), column 8: expected a number, a name, a function or '(', got the end of the expression"),
        ("{\"inputs\": {\"x\": 1}, \"define\": [\"y =  \"]}", "spec.json: define[0] (y), column 6: the expression is empty"),
        ("{\"inputs\": {\"x\": 1}, \"define\": [\"y = x # 2\"]}", "spec.json: define[0] (y), column 7: unexpected character '#'"),
        ("{\"inputs\": {\"x\": 1}, \"define\": [\"y = 2x\"]}", "spec.json: define[0] (y), column 5: malformed number: 'x' cannot follow a number"),
        ("{\"inputs\": {\"x\": 1}, \"define\": [\"y = 1e+\"]}", "spec.json: define[0] (y), column 5: malformed number: expected digits in the exponent"),
        ("{\"inputs\": {\"x\": 1}, \"define\": [\"y = 1e999 * x\"]}", "spec.json: define[0] (y), column 5: the number 1e999 overflows a Double"),
        ("{\"inputs\": {\"x\": 1}, \"define\": [\"y = (x + 1\"]}", "spec.json: define[0] (y), column 5: unbalanced '(': it is never closed"),
        ("{\"inputs\": {\"x\": 1}, \"define\": [\"y = exp(x\"]}", "spec.json: define[0] (y), column 5: unbalanced '(': the call to exp is never closed"),
        ("{\"inputs\": {\"x\": 1}, \"define\": [\"y = x + 1)\"]}", "spec.json: define[0] (y), column 10: unbalanced ')': no '(' before it"),
        ("{\"inputs\": {\"x\": 1}, \"define\": [\"y = exp()\"]}", "spec.json: define[0] (y), column 9: expected a number, a name, a function or '(', got ')'"),
        ("{\"inputs\": {\"x\": 1}, \"define\": [\"y = x x\"]}", "spec.json: define[0] (y), column 7: 'x' cannot follow a complete operand (expected an operator or the end)"),
        ("{\"inputs\": {\"x\": 1}, \"define\": [\"y = (x)(x)\"]}", "spec.json: define[0] (y), column 8: '(' cannot follow a complete operand (expected an operator or the end)"),
        ("{\"inputs\": {\"x\": 1}, \"define\": [\"y x\"]}", "spec.json: define[0]: expected \"name = expression\", found no '='"),
        ("{\"inputs\": {\"x\": 1}, \"define\": [\" = x\"]}", "spec.json: define[0], column 1: expected a name before '='"),
        // an output that does not exist
        ("{\"inputs\": {\"x\": 1}, \"define\": [\"y = x\"], \"output\": \"z\"}", "spec.json: \"output\": unknown name 'z' (expected an input or a defined name)"),
        ("{\"inputs\": {\"x\": 1}, \"define\": [\"k = 2 * 3\"]}", "spec.json: \"output\": 'k' is a plain number, not a node of the graph"),
        // expected answers
        ("{\"inputs\": {\"x\": 1}, \"define\": [\"y = x\"], \"expect\": {\"grads\": {\"z\": 1}}}", "spec.json: \"expect\".\"grads\".\"z\": unknown name 'z' (expected an input or a defined name)"),
        ("{\"inputs\": {\"x\": 1}, \"define\": [\"k = 2\", \"y = x * k\"], \"expect\": {\"grads\": {\"k\": 1}}}", "spec.json: \"expect\".\"grads\".\"k\": 'k' is a plain number, not a node of the graph, so it has no grad"),
        ("{\"inputs\": {\"x\": 1}, \"define\": [\"y = x\"], \"expect\": {\"grad\": {\"x\": 1}}}", "spec.json: \"expect\".\"grad\" (line 1, column 62): unknown key \"grad\" (expected one of: output, grads, tolerance)"),
        ("{\"inputs\": {\"x\": 1}, \"define\": [\"y = x\"], \"expect\": {\"output\": \"1\"}}", "spec.json: \"expect\".\"output\" (line 1, column 64): expected a number, got a string"),
        ("{\"inputs\": {\"x\": 1}, \"define\": [\"y = x\"], \"expect\": {\"output\": 1, \"tolerance\": -1}}", "spec.json: \"expect\".\"tolerance\" (line 1, column 80): expected a tolerance of 0 or more"),
        ("{\"inputs\": {\"x\": 1}, \"define\": [\"y = x\"], \"expect\": {\"grads\": [1]}}", "spec.json: \"expect\".\"grads\" (line 1, column 63): expected an object of name: number, got an array"),
        ("{\"inputs\": {\"x\": 1}, \"define\": [\"y = x\"], \"expect\": {}}", "spec.json: \"expect\" (line 1, column 53): expected an object with \"output\" or \"grads\", got an object"),
        ("{\"inputs\": {\"x\": 1}, \"define\": [\"y = x + é\"]}", "spec.json: define[0] (y), column 9: unexpected character 'é'"),
        // limits
        ("{\"inputs\": {\"x\": 1e400}, \"define\": [\"y = x\"]}", "spec.json: line 1, column 18: invalid JSON: the number 1e400 overflows a Double"),
    ])
    func message(_ input: String, _ expected: String) {
        #expect(specError(input) == expected)
    }

    @Test func binaryFile() {
        let bytes: [UInt8] = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]
        #expect(throws: SpecError(.document, "the file is not UTF-8 text (is it binary?)")) {
            try Spec(bytes: bytes)
        }
    }

    @Test func longNames() {
        let long = String(repeating: "a", count: 300)
        #expect(specError(spec(inputs: "{\"\(long)\": 1}", "y = 1"))?.contains("over the limit of 256") == true)
        #expect(specError(spec("z = x + \(long)")) == "spec.json: define[0] (z), column 9: a name of 300 characters is over the limit of 256")
    }

    @Test func deepJSONIsRefused() {
        let deep = "{\"inputs\": {\"x\": 1}, \"define\": [\"y = x\"], \"title\": " + String(repeating: "[", count: 100_000) + "}"
        #expect(specError(deep) == "spec.json: line 1, column 115: invalid JSON: JSON nests deeper than 64 levels")
    }
}
