#include "recording/forms.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace cairn::recording {
namespace {

using ::testing::HasSubstr;

TEST(FormsTest, TheBuiltInFormsLoadWithTheirCodes) {
  Result<FormCatalogue> forms = FormCatalogue::BuiltIn(2026);
  ASSERT_TRUE(forms.ok()) << forms.status().message();
  const Form* visit = forms->For(model::EventKind::kVisit);
  ASSERT_NE(visit, nullptr);
  const FormField* purpose = visit->Find("purpose");
  ASSERT_NE(purpose, nullptr);
  EXPECT_TRUE(purpose->required);
  EXPECT_TRUE(purpose->Offers("cp"));
  EXPECT_FALSE(purpose->Offers("CP"));
  EXPECT_TRUE(visit->Find("child_seen")->Offers("true"));
  EXPECT_TRUE(visit->Find("date")->start);

  // DfE fields take the DfE's lists: the CIN census's with meanings, the SSDA903's by year.
  const FormField* source = forms->For(model::EventKind::kCinEpisode)->Find("ReferralSource");
  EXPECT_TRUE(source->Offers("1A"));
  EXPECT_THAT(source->options_source, HasSubstr("CIN census"));
  const FormField* place = forms->For(model::EventKind::kLookedAfterEpisode)->Find("PLACE");
  EXPECT_TRUE(place->Offers("K3"));
  EXPECT_FALSE(place->Offers("H5")) << "H5 left the list after 2023/24";
  Result<FormCatalogue> older = FormCatalogue::BuiltIn(2024);
  ASSERT_TRUE(older.ok());
  EXPECT_TRUE(older->For(model::EventKind::kLookedAfterEpisode)->Find("PLACE")->Offers("H5"));
  // Yearly records have no date of their own, so no form.
  EXPECT_EQ(forms->For(model::EventKind::kHealthOutcomes), nullptr);
}

Status ParseError(std::string_view text) {
  Result<FormCatalogue> forms = FormCatalogue::Parse(text, "forms.toml", 2026);
  return forms.ok() ? Status::Ok() : forms.status();
}

TEST(FormsTest, AMistakeInTheFileIsNamedByLineFormAndField) {
  EXPECT_THAT(ParseError("[[form]]\nkind = \"vist\"\ntitle = \"V\"\nfields = [{ field = \"date\", label = \"D\", required = true }]\n")
                  .message(),
              HasSubstr("forms.toml line 2"));
  const Status unknown_field = ParseError(
      "[[form]]\nkind = \"visit\"\ntitle = \"Visit\"\nfields = [\n  { field = \"date\", label = \"D\", required = true },\n"
      "  { field = \"colour\", label = \"C\" },\n]\n");
  EXPECT_THAT(unknown_field.message(), HasSubstr("line 6"));
  EXPECT_THAT(unknown_field.message(), HasSubstr("'colour'"));
  EXPECT_THAT(ParseError("[[form]]\nkind = \"visit\"\ntitle = \"Visit\"\nfields = [{ field = \"purpose\", label = \"P\", options = [[\"cp\", \"CP\"]] }]\n")
                  .message(),
              HasSubstr("the start date 'date' must be asked for"));
  EXPECT_THAT(ParseError("[[form]]\nkind = \"visit\"\ntitle = \"Visit\"\nfields = [{ field = \"date\", label = \"D\", required = true, options = [[\"a\", \"b\"]] }]\n")
                  .message(),
              HasSubstr("only a coded field takes options"));
  EXPECT_THAT(ParseError("[[form]]\nkind = \"visit\"\ntitle = \"Visit\"\nfields = [{ field = \"date\", label = \"D\", required = true }, { field = \"purpose\", label = \"P\" }]\n")
                  .message(),
              HasSubstr("give options"));
  EXPECT_THAT(ParseError("[[form]]\nkind = \"health-outcomes\"\ntitle = \"OC2\"\nfields = []\n").message(),
              HasSubstr("no date of its own"));
  EXPECT_THAT(ParseError("[[forms]]\n").message(), HasSubstr("use [[form]]"));
}

}  // namespace
}  // namespace cairn::recording
