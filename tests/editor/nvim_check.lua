-- A real client: headless Neovim with the repository's Lua config opens a policy with a
-- type error, waits for the server's diagnostic, asks for hover and definition, and checks
-- the answers. Run by tests/editor/nvim.sh; exits 0 when every check holds.
local tollgate_bin, policy = _G.TOLLGATE_BIN, _G.POLICY
local failures = {}
local function check(ok, what)
  if not ok then
    table.insert(failures, what)
  end
end

require("tollgate").setup({ cmd = { tollgate_bin, "lsp" } })
vim.cmd("edit " .. policy)
local buf = vim.api.nvim_get_current_buf()
check(vim.bo[buf].filetype == "tollgate", "filetype is tollgate")

-- The diagnostic arrives.
local got = vim.wait(20000, function()
  return #vim.diagnostic.get(buf) > 0
end, 50)
check(got, "a diagnostic arrived")
local diags = vim.diagnostic.get(buf)
local first = diags[1] or {}
check(first.lnum == 6, "the diagnostic is on line 7 (got " .. tostring(first.lnum) .. ")")
check(tostring(first.message):find("cannot compare", 1, true) ~= nil
  or tostring(first.message):find("cannot order", 1, true) ~= nil,
  "the diagnostic is the type error: " .. tostring(first.message))

local function request(method, line, col)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = line, character = col },
  }
  local responses = vim.lsp.buf_request_sync(buf, method, params, 10000) or {}
  for _, response in pairs(responses) do
    if response.result then
      return response.result
    end
  end
  return nil
end

-- Hover on `regression` (line 7, `  block when regression(...)`).
local hover = request("textDocument/hover", 6, 15)
local hover_text = hover and hover.contents and hover.contents.value or ""
check(hover_text:find("regression(m) → number", 1, true) ~= nil, "hover shows the signature: " .. hover_text)

-- Definition of `sycophancy` on line 7 → its declaration on line 5.
local definition = request("textDocument/definition", 6, 26)
local target = definition and (definition[1] or definition)
check(target and target.range and target.range.start.line == 4, "definition goes to line 5")

if #failures > 0 then
  for _, f in ipairs(failures) do
    io.stderr:write("FAILED: " .. f .. "\n")
  end
  vim.cmd("cquit 1")
else
  io.stdout:write("nvim: diagnostic, hover and definition checked\n")
  vim.cmd("qall!")
end
