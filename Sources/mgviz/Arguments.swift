import ArgumentParser
import MgvizExport
import MgvizFiles
import MgvizKit
import MgvizRender
import MgvizSpec

/// The command line, read through the option table (`CommandOption.all`). Every command line
/// that mgviz runs is read here, without ArgumentParser, whose parse costs more than the rest
/// of a small drawing (milliseconds of runtime type lookups); ArgumentParser is asked only for
/// help, the version, and the words of a usage error.
extension Invocation {
    /// Reads a command line as ArgumentParser would: inputs; `--name value`, `--name=value`,
    /// `-o value` and `-o=value`, the value a word that does not start with a dash (or `-`, or
    /// empty), the last of a repeated option winning; flags; and `--`, after which every word
    /// is an input. Values are converted by the same `init?(argument:)` that ArgumentParser
    /// calls. Nil for what only ArgumentParser answers: help, the version, an unknown option,
    /// a missing value or one its type refuses, a flag given a value, no input; it prints or
    /// refuses each. A negative number after an option comes joined to it
    /// (`joiningNegativeValues`).
    init?(arguments: [String]) {
        var index = arguments.startIndex
        if arguments.first == Self.differenceWord {
            isDifference = true
            index += 1
        }
        var optionsEnded = false
        while index < arguments.endIndex {
            let argument = arguments[index]
            index += 1
            if optionsEnded || Self.isValue(argument) {
                inputs.append(argument)
                continue
            }
            if argument == "--" {
                optionsEnded = true
                continue
            }
            let equals = argument.firstIndex(of: "=")
            guard let option = CommandOption.commandLine(spelled: argument[..<(equals ?? argument.endIndex)]) else { return nil }
            // ArgumentParser takes `--name=` for `--name`, but `-o=` for an empty value.
            let attached = equals.map { String(argument[argument.index(after: $0)...]) }.flatMap {
                $0.isEmpty && argument.hasPrefix("--") ? nil : $0
            }
            switch option.kind {
            case .flag(let set, _):
                guard attached == nil else { return nil }
                set(&settings, true)
            case .value(_, let read, _, _, _):
                let value: String
                if let attached {
                    value = attached
                } else {
                    guard index < arguments.endIndex, Self.isValue(arguments[index]) else { return nil }
                    value = arguments[index]
                    index += 1
                }
                guard read(&settings, value) else { return nil }
            }
            settings.given.append(option.name)
        }
        guard !inputs.isEmpty else { return nil }
    }

    /// Whether ArgumentParser reads `argument` as a value rather than an option: it does not
    /// start with a dash (as a Character: "-" with a combining mark is a value), or it is "-"
    /// or empty.
    private static func isValue(_ argument: String) -> Bool {
        argument.first != "-" || argument == "-"
    }
}

extension CommandOption {
    /// The command-line option that `spelling` names (`--precision`, `-o`), or nil.
    static func commandLine(spelled spelling: Substring) -> CommandOption? {
        all.first { $0.places.contains(.commandLine) && $0.isSpelled(spelling) }
    }
}

/// `--precision -1` as `--precision=-1`: ArgumentParser takes a negative number after an
/// option for another option, and says the value is missing; joined, the value is read and
/// refused for what it is ("must be from 0 to 17, got -1").
func joiningNegativeValues(_ arguments: [String]) -> [String] {
    var joined: [String] = []
    var index = 0
    while index < arguments.count {
        let argument = arguments[index]
        if argument == "--" {
            joined += arguments[index...]
            break
        }
        if index + 1 < arguments.count, case let next = arguments[index + 1], next.count > 1, next.hasPrefix("-"), Double(next) != nil,
           CommandOption.commandLine(spelled: argument[...])?.takesValue == true {
            joined.append(argument + "=" + next)
            index += 2
        } else {
            joined.append(argument)
            index += 1
        }
    }
    return joined
}

/// ArgumentParser reports an unknown option only once validation passes, so `--colour grad`
/// was told that `grad` made two inputs. Any `--name` the table does not declare (nor
/// ArgumentParser, for help and the version) is refused first, with the nearest that is.
func refuseUnknownOptions(_ arguments: [String]) throws {
    let known = CommandOption.commandLine.map(\.spelling)
        + ["--version", "--help", "--generate-completion-script", "--experimental-dump-help"]
    for argument in arguments {
        if argument == "--" { return }
        guard argument.hasPrefix("--") else { continue }
        let name = String(argument.prefix { $0 != "=" })
        guard !known.contains(name) else { continue }
        let nearest = known.map { (option: $0, distance: editDistance(Array($0.unicodeScalars), Array(name.unicodeScalars))) }
            .min { $0.distance < $1.distance }
        let hint = nearest.flatMap { $0.distance <= 3 ? "; did you mean '\($0.option)'" : nil } ?? ""
        throw ValidationError("unknown option '\(name)'\(hint)")
    }
}
