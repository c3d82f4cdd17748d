#pragma once
// Errors about user input. Library code throws InputError; only the CLI driver turns it into
// "dnntune: error: FILE: message" and exit code 2. Library code never calls exit().
#include <stdexcept>
#include <string>

namespace dnntune {

// Contract: `file` names the input that is wrong (a path, a suite model name, or "<command line>");
// `message` is one line that says what is wrong and where (node, tensor, key, line number).
class InputError : public std::runtime_error {
 public:
  InputError(std::string file, std::string message)
      : std::runtime_error(file + ": " + message),
        file_(std::move(file)),
        message_(std::move(message)) {}
  const std::string& file() const { return file_; }
  const std::string& message() const { return message_; }

 private:
  std::string file_;
  std::string message_;
};

}  // namespace dnntune
