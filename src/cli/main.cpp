#include <iostream>
#include <string>
#include <vector>

#include "base/clock.h"
#include "cli/commands.h"
#include "store/audit.h"

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  const std::vector<std::string> args(argv, argv + argc);
  cairn::SystemClock clock;
  cairn::cli::Environment env{std::cout, std::cerr, clock};
  // The audit trail names the operating-system account from the real uid: $USER can be set to anything.
  env.actor = cairn::store::OperatingSystemActor();
  const int code = cairn::cli::Run(args, env);
  std::cout.flush();
  return code;
}
