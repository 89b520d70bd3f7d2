#include "web/table.h"

#include "base/xlsx_test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstring>
#include <map>

namespace cairn::web {
namespace {

Table Sample() {
  Table table("caseload", "My children",
              {{"id", "LA child id", ColumnKind::kText, Shown::kDownloadOnly},
               {"name", "Child"},
               {"age", "Age", ColumnKind::kNumber},
               {"next", "Next", ColumnKind::kDate, Shown::kPageOnly}});
  table.AddRow({Cell::Text("C1"), Cell::Link("Ann <b>O'Neil</b>", "/children/C1?x=1&y=2", "child-link"),
                Cell::Number(7), Cell::Text("2025-04-01")});
  table.AddRow({Cell::Text("C2"), Cell::Text("=HYPERLINK(\"http://evil\")"), Cell::Suppressed(3), Cell::Text("")});
  return table;
}

TEST(TableTest, APageLabelIsShownAndTheValueDownloaded) {
  Table table("t", "T", {{"overdue", "Overdue", ColumnKind::kNumber}});
  Cell overdue = Cell::Number(2);
  overdue.label = "2 <overdue>";
  overdue.status = "overdue";
  table.AddRow({overdue});
  EXPECT_NE(table.Html().find(">2 &lt;overdue&gt;</span>"), std::string::npos) << table.Html();
  EXPECT_EQ(table.Csv(), "Overdue\r\n2\r\n");
  JsonWriter json;
  table.Json(json);
  EXPECT_EQ(json.Take(), "[{\"overdue\":2}]");
}

TEST(TableTest, HtmlEscapesEveryValueAndLinks) {
  const std::string html = Sample().Html();
  EXPECT_NE(html.find("Ann &lt;b&gt;O&#39;Neil&lt;/b&gt;"), std::string::npos) << html;
  EXPECT_EQ(html.find("<b>O"), std::string::npos);
  EXPECT_NE(html.find("href=\"/children/C1?x=1&amp;y=2\""), std::string::npos) << html;
  EXPECT_EQ(html.find("LA child id"), std::string::npos) << "a download-only column is not on the page";
  EXPECT_NE(html.find("fewer than 5"), std::string::npos);
  EXPECT_NE(html.find("<caption>My children (2)</caption>"), std::string::npos);
}

TEST(TableTest, APageLimitSaysTheDownloadsHoldTheRest) {
  Table table = Sample();
  table.PageLimit(1);
  const std::string html = table.Html();
  EXPECT_NE(html.find("The first 1 of 2 rows"), std::string::npos) << html;
  EXPECT_EQ(html.find("HYPERLINK"), std::string::npos);
  EXPECT_NE(table.Csv().find("HYPERLINK"), std::string::npos);
  JsonWriter json;
  table.Json(json);
  EXPECT_EQ(nlohmann::json::parse(json.Take()).size(), 1u) << "the page's data: the rows it shows";
}

TEST(TableTest, ChildIdsNameTheChildrenOfEveryRowOrOfThoseShown) {
  Table table = Sample();
  EXPECT_TRUE(table.ChildIds(false).empty()) << "no child column named";
  table.ChildColumn("id");
  table.AddRow({Cell::Text("C1"), Cell::Text("Ann again"), Cell::Number(7), Cell::Text("")});
  EXPECT_EQ(table.ChildIds(false), (std::vector<std::string>{"C1", "C2"}));
  table.PageLimit(1);
  EXPECT_EQ(table.ChildIds(true), (std::vector<std::string>{"C1"}));
  EXPECT_EQ(table.ChildIds(false), (std::vector<std::string>{"C1", "C2"}));
}

TEST(TableTest, CsvHoldsEveryRowWithFormulasNeutralised) {
  const std::string csv = Sample().Csv();
  EXPECT_EQ(csv, "LA child id,Child,Age\r\nC1,Ann <b>O'Neil</b>,7\r\nC2,\"'=HYPERLINK(\"\"http://evil\"\")\",fewer than 5\r\n");
}

TEST(TableTest, JsonHasNumbersAsNumbers) {
  JsonWriter writer;
  Sample().Json(writer);
  const nlohmann::json json = nlohmann::json::parse(writer.Take());
  ASSERT_EQ(json.size(), 2u);
  EXPECT_EQ(json[0]["id"], "C1");
  EXPECT_EQ(json[0]["age"], 7);
  EXPECT_EQ(json[1]["age"], "fewer than 5");
  EXPECT_FALSE(json[0].contains("next"));
}

TEST(TableTest, XlsxHoldsTheSameRowsAsText) {
  Table table = Sample();
  table.AddRow({Cell::Text("C3"), Cell::Text("bell\x07 and \xff byte"), Cell::Number(12.5), Cell::Text("")});
  Result<std::string> workbook = table.Xlsx();
  ASSERT_TRUE(workbook.ok()) << workbook.status().message();
  ASSERT_EQ(workbook->substr(0, 2), "PK");
  const auto files = cairn::testing::Unzip(*workbook);
  ASSERT_TRUE(files.count("xl/worksheets/sheet1.xml")) << files.size();
  const std::string& sheet = files.at("xl/worksheets/sheet1.xml");
  // A formula-like value is a text cell, never a formula; numbers are numbers.
  EXPECT_NE(sheet.find("=HYPERLINK"), std::string::npos) << sheet;
  EXPECT_EQ(sheet.find("<f>"), std::string::npos);
  EXPECT_NE(sheet.find("<v>7</v>"), std::string::npos) << sheet;
  EXPECT_NE(sheet.find("<v>12.5</v>"), std::string::npos);
  EXPECT_NE(sheet.find("fewer than 5"), std::string::npos);
  // Bytes XML cannot carry are replaced, so the workbook opens.
  EXPECT_NE(sheet.find("bell  and \xEF\xBF\xBD byte"), std::string::npos) << sheet;
  EXPECT_EQ(sheet.find("Next"), std::string::npos) << "a page-only column is not downloaded";
  ASSERT_TRUE(files.count("xl/workbook.xml"));
  EXPECT_NE(files.at("xl/workbook.xml").find("name=\"caseload\""), std::string::npos);
}

TEST(TableTest, XmlSafeTextKeepsGoodTextAndReplacesTheRest) {
  EXPECT_EQ(XmlSafeText("Zo\xC3\xAB"), "Zo\xC3\xAB");
  EXPECT_EQ(XmlSafeText("a\x01" "b"), "a b");
  EXPECT_EQ(XmlSafeText("a\xC3"), "a\xEF\xBF\xBD");
  EXPECT_EQ(XmlSafeText("tab\tline\n"), "tab\tline\n");
}

}  // namespace
}  // namespace cairn::web
