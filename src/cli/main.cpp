#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "base/clock.h"
#include "cli/commands.h"

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  const std::vector<std::string> args(argv, argv + argc);
  cairn::SystemClock clock;
  cairn::cli::Environment env{std::cout, std::cerr, clock};
  if (const char* user = std::getenv("USER"); user != nullptr && *user != '\0') env.actor = user;
  const int code = cairn::cli::Run(args, env);
  std::cout.flush();
  return code;
}
