#pragma once
// File types of the runs readers (supersample and leave-one-out runs, data/SCHEMA.md).
#include <filesystem>

namespace itbound::data {

enum class RunsFormat { npz, json, csv };

// Chosen by extension: .npz, .json or .csv; anything else throws InvalidArgument("path", ...).
RunsFormat runs_format(const std::filesystem::path& path);

}  // namespace itbound::data
