import Foundation
import MgvizKit
@testable import mgviz
import Testing

/// Each option is declared once, in `CommandOption.all`; everything said of it elsewhere is its
/// declaration's: what `mgviz --help` shows, the defaults and ranges of DrawOptions, what the
/// command line and a Markdown block accept and refuse, and in what words.
@Suite struct OptionTable {
    /// Each option's block of `mgviz --help`, from its first line to the next option's, on one
    /// line.
    static func helpBlocks() throws -> [String] {
        let help = String(decoding: try runMgviz(["--help"]).stdout, as: UTF8.self)
        let options = try #require(help.range(of: "\nOPTIONS:\n")).upperBound
        var blocks: [[Substring]] = []
        for line in help[options...].split(separator: "\n") {
            if line.hasPrefix("  -") { blocks.append([]) }
            blocks[blocks.count - 1].append(line)
        }
        return blocks.map { $0.joined(separator: " ").split(whereSeparator: \.isWhitespace).joined(separator: " ") }
    }

    /// The help of the binary lists exactly the command line's options, each with its
    /// declaration's names, value name and help, its choices, and as its default the value it
    /// has in `Settings()`: DrawOptions' default, or the command's.
    @Test func helpShowsEachDeclaration() throws {
        let blocks = try Self.helpBlocks()
        let declared = CommandOption.commandLine
        let own = ["--version Show the version.", "-h, --help Show help information."]
        #expect(blocks.count == declared.count + own.count && blocks.suffix(2) == own[...], "\(blocks)")
        for (option, block) in zip(declared, blocks) {
            let head = (option.shortName.map { "-\($0), " } ?? "") + option.spelling + (option.valueName.map { " <\($0)>" } ?? "")
            let help = option.help.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            guard block.hasPrefix(head + " " + help) else {
                Issue.record("--help shows \(block), not \(head) \(help)")
                continue
            }
            var shown: [String] = []
            if case .value(_, _, let choices, _, let current) = option.kind {
                if !choices().isEmpty { shown.append("values: " + choices().joined(separator: ", ")) }
                if let value = current(Settings()) { shown.append("default: " + value) }
            }
            let rest = block.dropFirst(head.count + 1 + help.count)
            #expect(rest == (shown.isEmpty ? "" : " (" + shown.joined(separator: "; ") + ")"), "\(option.name): \(rest)")
        }
    }

    /// The defaults: a block with no words draws as the document's options say, and one that
    /// gives each option its default as text draws the same; on the command line, the same.
    @Test func defaultsAreTheSameEverywhere() throws {
        let defaults = MarkdownImages.Settings()
        #expect(try MarkdownImages.Settings(reading: block([]), over: defaults) == defaults)
        #expect(try #require(Invocation(arguments: ["a.json"])).settings == Settings())
        for option in CommandOption.all {
            guard let text = option.current(Settings()), option.takesValue else { continue }
            if option.places.contains(.block) {
                #expect(try MarkdownImages.Settings(reading: block(["\(option.name)=\(text)"]), over: defaults) == defaults, "\(option.name)")
            }
            if option.places.contains(.commandLine) {
                var read = try #require(Invocation(arguments: ["a.json", option.spelling, text]), "\(option.name)")
                read.settings.given = []
                #expect(read.settings == Settings(), "\(option.name)")
            }
        }
        // Not given, a flag is not set.
        for option in CommandOption.all where !option.takesValue {
            #expect(option.current(Settings()) == "false", "\(option.name)")
        }
    }

    /// The ranges: each option's declared range is the one DrawOptions (or the command, for
    /// its own) checks: its bounds are taken, the values just past them refused, on the command
    /// line and in a block alike, in the same words; the help states no other.
    @Test func rangesAreTheSameEverywhere() throws {
        var checked: [DrawOptions.Option] = []
        for option in CommandOption.all {
            guard let range = option.range else { continue }
            let inside: [String], outside: [String]
            switch range {
            case .integers(let allowed):
                inside = [allowed.lowerBound, allowed.upperBound].map(String.init)
                outside = [String(allowed.lowerBound - 1)] + (allowed.upperBound < .max ? [String(allowed.upperBound + 1)] : [])
                if let stated = option.help.firstMatch(of: /\((\d+) to (\d+)\)/) {
                    #expect(Int(stated.1) == allowed.lowerBound && Int(stated.2) == allowed.upperBound, "\(option.name)")
                }
            case .numbers(let allowed):
                inside = [allowed.lowerBound, allowed.upperBound].map(String.init(describing:))
                outside = [allowed.lowerBound.nextDown, allowed.upperBound.nextUp, .nan].map(String.init(describing:))
            }
            for value in inside {
                #expect(try refusal(option, value) == nil, "\(option.name) \(value)")
                if option.places.contains(.block) { #expect(blockRefusal(["\(option.name)=\(value)"]) == nil, "\(option.name) \(value)") }
            }
            for value in outside {
                let message = try refusal(option, value)
                #expect(message?.hasPrefix("\(option.spelling) must be ") == true && message?.hasSuffix(", got \(value)") == true,
                        "\(option.name) \(value): \(message ?? "accepted")")
                if option.places.contains(.block) {
                    #expect(blockRefusal(["\(option.name)=\(value)"]) == message, "\(option.name) \(value)")
                }
            }
            if let option = option.checkedAs { checked.append(option) }
        }
        // Every check of DrawOptions is declared, so that each refusal is worded with its flag.
        #expect(Set(CommandOption.all.compactMap(\.checkedAs)) == Set(DrawOptions.Option.allCases))
        // The flags DrawOptions checks against other options have no range.
        #expect(Set(checked) == Set(DrawOptions.Option.allCases).subtracting([.checksGradients, .onlyChanged]))
    }

    /// What the command says of `value` for `option`, nil when its options take it.
    func refusal(_ option: CommandOption, _ value: String) throws -> String? {
        let invocation = try #require(Invocation(arguments: ["a.json", option.spelling + "=" + value]), "\(option.name)=\(value)")
        do throws(UsageError) {
            try invocation.validate(invocation.options)
            return nil
        } catch {
            return error.message
        }
    }

    /// What a Markdown block says of these words, nil when it takes them.
    func blockRefusal(_ words: [String]) -> String? {
        do {
            _ = try MarkdownImages.Settings(reading: block(words), over: MarkdownImages.Settings())
            return nil
        } catch let error as BlockOptionError {
            return error.message
        } catch {
            return "\(error)"
        }
    }

    /// A Markdown block with these words, read as the command reads a document's.
    func block(_ words: [String]) throws -> MarkdownDocument.Block {
        let text = "```mgviz \(words.joined(separator: " "))\nx = 1\n```\n"
        return try #require(try MarkdownDocument(bytes: Array(text.utf8)).blocks.first)
    }

    /// A block takes the declared block options, by the same names and values as the command
    /// line: each choice of an option with choices, read to the same setting.
    @Test func blocksTakeTheDeclaredOptions() throws {
        for option in CommandOption.block {
            guard case .value(_, _, let choices, _, let current) = option.kind else {
                let set = try MarkdownImages.Settings(reading: block([option.name]), over: MarkdownImages.Settings())
                var expected = Settings()
                if case .flag(let set, _) = option.kind { set(&expected, true) }
                #expect(set.options == expected.options, "\(option.name)")
                continue
            }
            for choice in option.blockValues?.values ?? choices() {
                let read = try MarkdownImages.Settings(reading: block(["\(option.name)=\(choice)"]), over: MarkdownImages.Settings())
                let settings = Settings(options: read.options, format: read.format, id: read.id)
                #expect(current(settings) == choice, "\(option.name)=\(choice)")
                let given = try #require(Invocation(arguments: ["a.json", option.spelling, choice]))
                #expect(given.settings.options == read.options, "\(option.name)=\(choice)")
            }
        }
        #expect(blockRefusal(["batch=every"]) == "batch=every: expected plate or all")
        #expect(blockRefusal(["collapse=leaves"]) == "collapse=leaves: expected neurons, layers or calls")
        #expect(blockRefusal(["example=x"]) == "example=x: expected a whole number")
        #expect(blockRefusal(["example=2", "batch=all"]) == "--example picks the example a plate shows: drop --batch all")
        #expect(blockRefusal(["max-layout-seconds=5"])?.hasPrefix("unknown option 'max-layout-seconds' (a block takes: id, format,") == true)
    }
}
