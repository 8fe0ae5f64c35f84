-- Tollgate's language server for Neovim: `require("tollgate").setup()` starts
-- `tollgate lsp` for every `.gate` buffer. Neovim 0.8+ (`vim.lsp.start`); 0.7 falls back to
-- `vim.lsp.start_client`. Options: `cmd` (default { "tollgate", "lsp" }).
local M = {}

local function root_of(path)
  local git = vim.fn.finddir(".git", vim.fn.fnamemodify(path, ":p:h") .. ";")
  if git ~= "" then
    return vim.fn.fnamemodify(git, ":p:h:h")
  end
  return vim.fn.fnamemodify(path, ":p:h")
end

local clients = {}

function M.start(opts, bufnr)
  local path = vim.api.nvim_buf_get_name(bufnr)
  local config = {
    name = "tollgate",
    cmd = opts.cmd or { "tollgate", "lsp" },
    root_dir = root_of(path),
  }
  if vim.lsp.start then
    return vim.lsp.start(config, { bufnr = bufnr })
  end
  local root = config.root_dir
  if not clients[root] then
    clients[root] = vim.lsp.start_client(config)
  end
  vim.lsp.buf_attach_client(bufnr, clients[root])
  return clients[root]
end

function M.setup(opts)
  opts = opts or {}
  -- An autocommand rather than `vim.filetype.add`, which 0.7 only reads when asked to.
  vim.api.nvim_create_autocmd({ "BufRead", "BufNewFile" }, {
    pattern = "*.gate",
    command = "setfiletype tollgate",
  })
  vim.api.nvim_create_autocmd("FileType", {
    pattern = "tollgate",
    callback = function(args)
      M.start(opts, args.buf)
    end,
  })
end

return M
