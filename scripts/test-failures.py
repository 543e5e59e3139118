#!/usr/bin/env python3
"""Lists the tests that did not pass in the given .trx files, each with the head of its message and
stack trace, so the end of a long test log says what failed without scrolling back through it."""
import sys
import xml.etree.ElementTree as ET

NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
MESSAGE_LINES = 80
STACK_LINES = 12
OUTPUT_LINES = 15


def head(text, lines):
    parts = text.strip().splitlines()
    shown = parts[:lines]
    if len(parts) > lines:
        shown.append(f"... ({len(parts) - lines} more lines)")
    return shown


def tail(text, lines):
    parts = text.strip().splitlines()
    shown = parts[-lines:]
    if len(parts) > lines:
        shown.insert(0, f"... ({len(parts) - lines} earlier lines)")
    return shown


def main(paths):
    count = 0
    for path in paths:
        root = ET.parse(path).getroot()
        for result in root.iterfind(".//t:UnitTestResult", NS):
            outcome = result.get("outcome")
            if outcome == "Passed":
                continue
            count += 1
            print(f"--- {outcome}: {result.get('testName')} ({result.get('duration')})")
            output = result.find("t:Output", NS)
            if output is None:
                continue
            for label, tag, cut in (("message", "t:ErrorInfo/t:Message", lambda t: head(t, MESSAGE_LINES)),
                                    ("stack", "t:ErrorInfo/t:StackTrace", lambda t: head(t, STACK_LINES)),
                                    ("output, last lines", "t:StdOut", lambda t: tail(t, OUTPUT_LINES))):
                node = output.find(tag, NS)
                if node is not None and node.text and node.text.strip():
                    print(f"  {label}:")
                    for line in cut(node.text):
                        print(f"    {line}")
    if count:
        print(f"--- {count} test(s) did not pass")


if __name__ == "__main__":
    main(sys.argv[1:])
